// Self-test of provider.mjs: `node tests/oidc/smoke.mjs`. Plain HTTP, manual redirects, tiny cookie jar.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const PROVIDER = fileURLToPath(new URL('./provider.mjs', import.meta.url));
const CLIENT_ID = 'lantoa-smoke';
const SECRET = 'smoke-secret/+:%';
const REDIRECT = 'http://127.0.0.1:1/auth/callback';
const ACCOUNTS = [
  { sub: 'u-an', email: 'an@dienbien.gov.vn', name: 'Nguyễn Văn An', staff_code: 'DB001' },
  { sub: 'u-binh', email: 'binh@dienbien.gov.vn', name: 'Trần Thị Bình', staff_code: 'DB002' },
];

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed += 1; else failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : ` — ${detail}`}`);
}

async function start(extraEnv = {}) {
  const child = spawn(process.execPath, [PROVIDER], {
    env: {
      ...process.env, OIDC_PORT: '0', OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: SECRET,
      OIDC_REDIRECT_URI: REDIRECT, OIDC_ACCOUNTS: JSON.stringify(ACCOUNTS), ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const issuer = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^ISSUER (http:\/\/localhost:\d+)\n/.exec(stdout);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`provider exited ${code}: ${stderr}`)));
  });
  return { issuer, child, out: () => stdout, err: () => stderr };
}

async function stop(p) {
  const exited = once(p.child, 'exit');
  p.child.kill('SIGTERM');
  return exited;
}

class Jar {
  cookies = new Map();
  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const expires = attrs.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
      if (expires && Date.parse(expires.slice(8)) <= Date.now()) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(pair.indexOf('=') + 1));
    }
  }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');
function pkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

// Runs an authorization request; follows the provider's redirects (and optionally posts the
// login form) until the browser would be sent to the client. Returns the final response info.
async function authorize(issuer, jar, params, { form } = {}) {
  const url = new URL('/auth', issuer);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  let next = url.href;
  let method = 'GET';
  let body;
  for (let hop = 0; hop < 10; hop += 1) {
    const res = await fetch(next, {
      method, body, redirect: 'manual',
      headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    jar.store(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const target = new URL(location, next);
      if (!target.href.startsWith(issuer)) return { status: res.status, location: target };
      next = target.href; method = 'GET'; body = undefined;
    } else if (res.status === 200 && form && next.includes('/interaction/')) {
      const html = await res.text();
      form.html = html;
      next = new URL(/action="([^"]+)"/.exec(html)[1], issuer).href;
      method = 'POST';
      body = new URLSearchParams({ account: form.account }).toString();
      form = undefined;
    } else {
      const text = await res.text();
      // The provider's auto-submitting form (e.g. ending the old session when the account changes).
      const action = /<form method="post" action="([^"]+)"/.exec(text)?.[1];
      if (res.status !== 200 || !action?.startsWith(issuer) || !text.includes('document.forms[0].submit()')) {
        return { status: res.status, text };
      }
      next = action; method = 'POST';
      body = new URLSearchParams([...text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
        .map((m) => [m[1], m[2]])).toString();
    }
  }
  throw new Error('too many redirects');
}

function baseParams(extra = {}) {
  const p = pkce();
  return {
    verifier: p.verifier,
    params: {
      client_id: CLIENT_ID, response_type: 'code', redirect_uri: REDIRECT,
      scope: 'openid email profile staff', state: b64url(randomBytes(8)), nonce: b64url(randomBytes(8)),
      code_challenge: p.challenge, code_challenge_method: 'S256', ...extra,
    },
  };
}

const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
async function token(issuer, code, verifier, { secret = SECRET, post = false } = {}) {
  const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
  if (verifier !== undefined) form.code_verifier = verifier;
  if (post) Object.assign(form, { client_id: CLIENT_ID, client_secret: secret });
  const res = await fetch(new URL('/token', issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(post ? {} : { authorization: basic(CLIENT_ID, secret) }) },
    body: new URLSearchParams(form),
  });
  return { status: res.status, json: await res.json() };
}

const decode = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));
async function signatureValid(issuer, jwt) {
  const { keys } = await (await fetch(new URL('/jwks', issuer))).json();
  const [h, p, s] = jwt.split('.');
  const { kid } = JSON.parse(Buffer.from(h, 'base64url'));
  const jwk = keys.find((k) => k.kid === kid);
  return !!jwk && verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
}

async function codeFor(issuer, jar, extra, opts) {
  const { verifier, params } = baseParams(extra);
  const r = await authorize(issuer, jar, params, opts);
  return { ...r, verifier, params, code: r.location?.searchParams.get('code') };
}

// --- normal mode -----------------------------------------------------------------------------
const p = await start();
try {
  const { issuer } = p;
  const meta = await (await fetch(new URL('/.well-known/openid-configuration', issuer))).json();
  check('discovery: issuer and S256 only', meta.issuer === issuer
    && JSON.stringify(meta.code_challenge_methods_supported) === '["S256"]');

  const jar = new Jar();
  const a = await codeFor(issuer, jar, { login_hint: 'an@dienbien.gov.vn' });
  check('login_hint: redirected to the client with a code', a.code && a.location.href.startsWith(REDIRECT), JSON.stringify(a));
  check('callback carries state and iss', a.location?.searchParams.get('state') === a.params.state
    && a.location?.searchParams.get('iss') === issuer);

  const t = await token(issuer, a.code, a.verifier);
  check('code exchange (client_secret_basic) answers 200', t.status === 200 && t.json.id_token, JSON.stringify(t));
  const claims = decode(t.json.id_token);
  check('ID token: sub, email, email_verified, name, nonce, aud, iss', claims.sub === 'u-an'
    && claims.email === 'an@dienbien.gov.vn' && claims.email_verified === true && claims.name === 'Nguyễn Văn An'
    && claims.nonce === a.params.nonce && claims.aud === CLIENT_ID && claims.iss === issuer, JSON.stringify(claims));
  check('ID token: 600 s lifetime, exp in the future', claims.exp - claims.iat === 600 && claims.exp * 1000 > Date.now());
  check('ID token signature verifies against /jwks', await signatureValid(issuer, t.json.id_token));

  const ui = await (await fetch(new URL('/me', issuer), { headers: { authorization: `Bearer ${t.json.access_token}` } })).json();
  check('userinfo: sub, email, staff_code', ui.sub === 'u-an' && ui.email === 'an@dienbien.gov.vn' && ui.staff_code === 'DB001', JSON.stringify(ui));

  const replay = await token(issuer, a.code, a.verifier);
  check('replayed code: 400 invalid_grant', replay.status === 400 && replay.json.error === 'invalid_grant', JSON.stringify(replay));

  const b = await codeFor(issuer, new Jar(), { login_hint: 'DB002' });
  const wrong = await token(issuer, b.code, pkce().verifier);
  check('wrong verifier: 400 invalid_grant', wrong.status === 400 && wrong.json.error === 'invalid_grant', JSON.stringify(wrong));
  const c = await codeFor(issuer, new Jar(), { login_hint: 'u-binh' });
  const missing = await token(issuer, c.code, undefined);
  check('missing verifier: 400 invalid_grant', missing.status === 400 && missing.json.error === 'invalid_grant', JSON.stringify(missing));

  const d = await codeFor(issuer, new Jar(), { login_hint: 'binh@dienbien.gov.vn' });
  const badSecret = await token(issuer, d.code, d.verifier, { secret: 'wrong' });
  check('wrong client secret: 401 invalid_client', badSecret.status === 401 && badSecret.json.error === 'invalid_client', JSON.stringify(badSecret));
  const viaPost = await token(issuer, d.code, d.verifier, { post: true });
  check('client_secret_post is accepted too', viaPost.status === 200, JSON.stringify(viaPost));
  check('login_hint by email/staff_code/sub picks that account', viaPost.status === 200 && decode(viaPost.json.id_token).sub === 'u-binh');

  const noPkce = await codeFor(issuer, new Jar(), { login_hint: 'u-an', code_challenge: undefined, code_challenge_method: undefined });
  check('no code_challenge: invalid_request to the client', noPkce.location?.searchParams.get('error') === 'invalid_request', JSON.stringify(noPkce));
  const plain = await codeFor(issuer, new Jar(), { login_hint: 'u-an', code_challenge_method: 'plain' });
  check('plain method: invalid_request to the client', plain.location?.searchParams.get('error') === 'invalid_request', JSON.stringify(plain));
  const badRedirect = await codeFor(issuer, new Jar(), { login_hint: 'u-an', redirect_uri: 'http://127.0.0.1:1/evil' });
  check('unregistered redirect_uri: 400 at the provider, no redirect', badRedirect.status === 400 && !badRedirect.location, JSON.stringify(badRedirect).slice(0, 200));

  // Login form (no login_hint), then silent re-use of the session, then a login_hint for someone else.
  const formJar = new Jar();
  const form = { account: 'u-binh' };
  const f = await codeFor(issuer, formJar, {}, { form });
  check('login form: select name=account and button#login', /<select name="account"/.test(form.html || '') && /id="login"/.test(form.html || ''));
  const ft = await token(issuer, f.code, f.verifier);
  check('login form: POST finishes login and consent', ft.status === 200 && decode(ft.json.id_token).sub === 'u-binh', JSON.stringify(ft));
  const again = await codeFor(issuer, formJar, {});
  check('existing session: code without any interaction', !!again.code, JSON.stringify(again));
  const other = await codeFor(issuer, formJar, { login_hint: 'an@dienbien.gov.vn' });
  const ot = await token(issuer, other.code, other.verifier);
  check('login_hint for another account than the session re-logs in', ot.status === 200 && decode(ot.json.id_token).sub === 'u-an', JSON.stringify(ot));
} finally {
  const [code] = await stop(p);
  check('SIGTERM: exits 0', code === 0, `code ${code}`);
  check('stdout holds exactly the ISSUER line', p.out() === `ISSUER ${p.issuer}\n`, JSON.stringify(p.out()));
}

// --- tamper mode -----------------------------------------------------------------------------
const tp = await start({ OIDC_TAMPER_ID_TOKEN: '1' });
try {
  const a = await codeFor(tp.issuer, new Jar(), { login_hint: 'u-an' });
  const t = await token(tp.issuer, a.code, a.verifier);
  const parts = t.json.id_token?.split('.') || [];
  check('tamper: well-formed JWT with readable claims', t.status === 200 && parts.length === 3 && decode(t.json.id_token).sub === 'u-an');
  check('tamper: signature no longer verifies', !(await signatureValid(tp.issuer, t.json.id_token)));
} finally { await stop(tp); }

// --- clock offset mode -------------------------------------------------------------------------
const cp = await start({ OIDC_CLOCK_OFFSET_SECONDS: '-7200' });
try {
  const jar = new Jar();
  const a = await codeFor(cp.issuer, jar, { login_hint: 'u-an' });
  check('clock offset: authorization still works (cookies kept)', !!a.code, JSON.stringify(a));
  const t = await token(cp.issuer, a.code, a.verifier);
  check('clock offset: code exchange works', t.status === 200 && !!t.json.id_token, JSON.stringify(t));
  const c = t.json.id_token ? decode(t.json.id_token) : {};
  const now = Date.now() / 1000;
  check('clock offset: exp in the past, iat ~2 h ago', c.exp < now && Math.abs(now - 7200 - c.iat) < 30, JSON.stringify(c));
  check('clock offset: signature still valid', t.json.id_token && await signatureValid(cp.issuer, t.json.id_token));
  const ui = await fetch(new URL('/me', cp.issuer), { headers: { authorization: `Bearer ${t.json.access_token}` } });
  check('clock offset: userinfo still answers', ui.status === 200);
  const again = await codeFor(cp.issuer, jar, {});
  check('clock offset: session cookie survives (silent re-authorization)', !!again.code, JSON.stringify(again));
} finally { await stop(cp); }

console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
