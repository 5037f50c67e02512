// OpenID Connect provider for the sign-in integration tests (see README.md).
// stdout carries exactly one line, `ISSUER http://localhost:PORT`; everything else goes to stderr.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

// Before oidc-provider is loaded: keep stdout clean, and shift the clock if asked to.
for (const level of ['log', 'info', 'debug']) console[level] = (...args) => console.error(...args);
const offsetMs = Number(process.env.OIDC_CLOCK_OFFSET_SECONDS || 0) * 1000;
if (!Number.isFinite(offsetMs)) fail('OIDC_CLOCK_OFFSET_SECONDS must be a number');
if (offsetMs) {
  const realNow = Date.now;
  Date.now = () => realNow() + offsetMs;
}
const { default: Provider, interactionPolicy } = await import('oidc-provider');

function fail(message) {
  console.error(`oidc provider: ${message}`);
  process.exit(2);
}

const env = process.env;
const port = Number(env.OIDC_PORT || 0);
const clientId = env.OIDC_CLIENT_ID || 'lantoa-test';
const clientSecret = env.OIDC_CLIENT_SECRET || 'lantoa-test-secret';
const redirectUri = env.OIDC_REDIRECT_URI || fail('OIDC_REDIRECT_URI is required');
const authMethod = env.OIDC_CLIENT_AUTH_METHOD || 'client_secret_basic';
const tamper = env.OIDC_TAMPER_ID_TOKEN === '1';
let accounts;
try {
  accounts = JSON.parse(env.OIDC_ACCOUNTS
    || '[{"sub":"u-an","email":"an@dienbien.gov.vn","name":"Nguyễn Văn An","staff_code":"DB001"}]');
} catch (e) {
  fail(`OIDC_ACCOUNTS is not JSON: ${e.message}`);
}
if (!Array.isArray(accounts) || accounts.some((a) => typeof a?.sub !== 'string' || !a.sub)) {
  fail('OIDC_ACCOUNTS must be a JSON array of objects with a string "sub"');
}

const bySub = (sub) => accounts.find((a) => a.sub === sub);
const byHint = (hint) => (hint
  ? accounts.find((a) => [a.email, a.sub, a.staff_code].includes(hint)) : undefined);

// A login_hint naming someone other than the session's account forces a new login.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'login_hint_mismatch',
  'login_hint names another account',
  (ctx) => {
    const hinted = byHint(ctx.oidc.params.login_hint);
    return hinted && ctx.oidc.session.accountId && hinted.sub !== ctx.oidc.session.accountId
      ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  },
));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['lantoa-oidc-test-key-1', 'lantoa-oidc-test-key-2'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    staff: ['staff_code'],
  },
  responseTypes: ['code'],
  conformIdTokenClaims: false, // the requested scopes' claims go in the ID token too
  pkce: { required: () => true }, // 9.x supports only S256 (no `methods` option)
  features: { devInteractions: { enabled: false } },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600,
  },
  async findAccount(ctx, sub) {
    const account = bySub(sub);
    if (!account) return undefined;
    return {
      accountId: account.sub,
      async claims() {
        return { email_verified: account.email ? true : undefined, ...account, sub: account.sub };
      },
    };
  },
};

// Listen first: the issuer (and so the provider) needs the port.
let callback = (req, res) => send(res, 503, 'starting');
const server = http.createServer((req, res) => {
  if (offsetMs) unshiftCookieDates(res);
  const path = new URL(req.url, 'http://localhost').pathname;
  if (!path.startsWith('/interaction/')) return callback(req, res);
  interaction(req, res, path).catch((err) => {
    console.error(`interaction error: ${err.name}: ${err.message}`);
    if (!res.headersSent) send(res, 400, `${err.name}: ${err.message}`);
  });
});
await new Promise((resolve) => server.once('error', (e) => fail(`listen: ${e.message}`))
  .listen(port, '127.0.0.1', resolve));
const issuer = `http://localhost:${server.address().port}`;
const provider = new Provider(issuer, configuration);
provider.proxy = false;

if (tamper) {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body && typeof ctx.body.id_token === 'string') {
      const [header, payload, signature] = ctx.body.id_token.split('.');
      // Flip the first signature character (keeps it base64url, so the JWT stays well-formed).
      const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
      ctx.body = { ...ctx.body, id_token: `${header}.${payload}.${flipped}` };
    }
  });
}

// Finish login and consent in one go: log `account` in and grant everything requested.
async function finishInteraction(req, res, details, account) {
  const { params } = details;
  const grant = (details.grantId && details.session?.accountId === account.sub
    && await provider.Grant.find(details.grantId))
    || new provider.Grant({ accountId: account.sub, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope || 'openid'));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: account.sub },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, hint) {
  const options = accounts.map((a) => `<option value="${esc(a.sub)}"${byHint(hint) === a ? ' selected' : ''}>`
    + `${esc(a.email || a.sub)}</option>`).join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập (test)</title></head>
<body><h1>Đăng nhập (nhà cung cấp thử nghiệm)</h1>
<form method="post" action="/interaction/${esc(uid)}/login">
<label>Tài khoản <select name="account" id="account">${options}</select></label>
<button type="submit" id="login">Đăng nhập</button></form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65536) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, path) {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path);
  if (!match) return send(res, 404, 'not found');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== match[1]) return send(res, 400, 'interaction mismatch');
  if (req.method === 'GET' && !match[2]) {
    const hinted = byHint(details.params.login_hint);
    if (hinted) return finishInteraction(req, res, details, hinted);
    return send(res, 200, loginPage(details.uid, details.params.login_hint), 'text/html; charset=utf-8');
  }
  if (req.method === 'POST' && match[2]) {
    const account = bySub((await readForm(req)).get('account'));
    if (!account) return send(res, 400, 'unknown account');
    return finishInteraction(req, res, details, account);
  }
  return send(res, 405, 'method not allowed');
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

// Cookie expiry dates come from the shifted clock; move them back to real time so browsers keep them.
function unshiftCookieDates(res) {
  const writeHead = res.writeHead;
  res.writeHead = function patched(...args) {
    const cookies = res.getHeader('set-cookie');
    if (cookies) {
      res.setHeader('set-cookie', [].concat(cookies).map((c) => String(c).replace(/expires=([^;]+)/gi,
        (all, date) => (Date.parse(date) > 1e12 ? `expires=${new Date(Date.parse(date) - offsetMs).toUTCString()}` : all))));
    }
    return writeHead.apply(this, args);
  };
}

provider.on('server_error', (ctx, err) => console.error('server_error', err));
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'introspection.error']) {
  provider.on(event, (ctx, err) => console.error(`${event}: ${err.name}: ${err.error_description || err.message}${err.error_detail ? ` (${err.error_detail})` : ''}`));
}

// Static clients are validated lazily; validate ours now so a bad setting fails at start-up.
try {
  await provider.Client.find(clientId);
} catch (err) {
  fail(`client: ${err.error_description || err.message}`);
}
callback = provider.callback();
process.stdout.write(`ISSUER ${issuer}\n`);

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
