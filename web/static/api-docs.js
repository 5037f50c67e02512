// Renders /api/v1/openapi.json as a readable list of endpoints: no framework, nothing fetched
// from other hosts, text inserted with textContent only.
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  var status = document.getElementById("api-docs-status");

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function schemaName(ref) {
    return ref ? ref.split("/").pop() : "";
  }

  function renderSchema(doc, schema) {
    if (!schema) return null;
    if (schema.$ref) {
      var name = schemaName(schema.$ref);
      var target = (doc.components && doc.components.schemas || {})[name];
      var box = el("div", null, "api-schema");
      box.appendChild(el("strong", name));
      if (target && target.properties) {
        var list = el("ul");
        var required = target.required || [];
        Object.keys(target.properties).forEach(function (key) {
          var prop = target.properties[key];
          var type = prop.type || schemaName(prop.$ref) || (prop.items ? "array" : "");
          if (Array.isArray(type)) type = type.join(" | ");
          var item = el("li");
          item.appendChild(el("code", key));
          item.appendChild(document.createTextNode(
            " (" + type + (required.indexOf(key) >= 0 ? ", bắt buộc" : "") + ")" +
            (prop.description ? " — " + prop.description : "")));
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      return box;
    }
    return el("code", JSON.stringify(schema));
  }

  function renderOperation(doc, path, method, op) {
    var section = el("section", null, "api-op");
    var head = el("h3");
    head.appendChild(el("code", method.toUpperCase() + " " + path));
    section.appendChild(head);
    if (op.summary) section.appendChild(el("p", op.summary));
    if (op.description && op.description !== op.summary) section.appendChild(el("p", op.description));
    if (op.security && op.security.length) section.appendChild(el("p", "Cần đăng nhập (Bearer token hoặc phiên trình duyệt)."));
    if (op.parameters && op.parameters.length) {
      section.appendChild(el("h4", "Tham số"));
      var params = el("ul");
      op.parameters.forEach(function (p) {
        var item = el("li");
        item.appendChild(el("code", p.name));
        item.appendChild(document.createTextNode(
          " (" + p.in + (p.required ? ", bắt buộc" : "") + ")" + (p.description ? " — " + p.description : "")));
        params.appendChild(item);
      });
      section.appendChild(params);
    }
    if (op.requestBody) {
      section.appendChild(el("h4", "Nội dung gửi (application/json)"));
      var content = op.requestBody.content || {};
      var json = content["application/json"];
      var rendered = json && renderSchema(doc, json.schema);
      if (rendered) section.appendChild(rendered);
    }
    section.appendChild(el("h4", "Trả lời"));
    var table = el("table", null, "api-responses");
    Object.keys(op.responses || {}).forEach(function (code) {
      var row = el("tr");
      row.appendChild(el("td", code));
      row.appendChild(el("td", op.responses[code].description || ""));
      table.appendChild(row);
    });
    section.appendChild(table);
    return section;
  }

  function render(doc) {
    root.appendChild(el("h2", (doc.info && doc.info.title || "API") + " — phiên bản " + (doc.info && doc.info.version || "")));
    if (doc.info && doc.info.description) root.appendChild(el("p", doc.info.description));
    var byTag = {};
    Object.keys(doc.paths || {}).sort().forEach(function (path) {
      var item = doc.paths[path];
      ["get", "post", "put", "patch", "delete"].forEach(function (method) {
        if (!item[method]) return;
        var tag = (item[method].tags || ["khác"])[0];
        (byTag[tag] = byTag[tag] || []).push([path, method, item[method]]);
      });
    });
    var tagDescriptions = {};
    (doc.tags || []).forEach(function (t) { tagDescriptions[t.name] = t.description; });
    Object.keys(byTag).sort().forEach(function (tag) {
      root.appendChild(el("h2", tag + (tagDescriptions[tag] ? " — " + tagDescriptions[tag] : "")));
      byTag[tag].forEach(function (entry) {
        root.appendChild(renderOperation(doc, entry[0], entry[1], entry[2]));
      });
    });
    status.textContent = "";
  }

  fetch("/api/v1/openapi.json", { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(render)
    .catch(function (err) {
      status.textContent = "Không tải được tài liệu: " + err.message;
    });
})();
