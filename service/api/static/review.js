// The review page's few behaviours, in plain JavaScript (no build step, nothing fetched from the internet).
// Every form also works without this file: the server answers plain posts with a redirect back to the row.
"use strict";

function rowStatus(row, text, isError) {
  const status = row.querySelector(".status");
  if (status) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }
}

async function postForm(form) {
  const row = form.closest("tr");
  const response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
  let body = {};
  try { body = await response.json(); } catch (e) { body = { error: { message_zh: "服务器没有返回结果（" + response.status + "）" } }; }
  if (!response.ok) {
    const error = body.error || {};
    rowStatus(row, "未保存：" + (error.message_zh || error.message || response.status), true);
    return;
  }
  const decided = Boolean(body.decision);
  row.classList.toggle("decided", decided);
  row.querySelector("form.undo").hidden = !decided;
  rowStatus(row, decided ? "已复核：" + body.label_action_zh + (body.target_action_zh ? "；" + body.target_action_zh : "") + (body.target_warning_zh ? "；" + body.target_warning_zh : "") : "未复核");
  document.getElementById("summary").innerHTML = body.summary_html;
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches("form.decision, form.undo")) {
    event.preventDefault();
    const row = form.closest("tr");
    rowStatus(row, "正在保存……");
    postForm(form).catch(() => rowStatus(row, "未保存：无法连接服务器", true));
  } else if (form.id === "upload-form") {
    document.getElementById("upload-button").disabled = true;
    const count = document.getElementById("files").files.length;
    const progress = document.getElementById("upload-progress");
    progress.textContent = "正在读取并分类 " + count + " 个文件，请稍候……（数千行约需十几秒）";
    progress.hidden = false;
  }
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest(".similar-button");
  if (!button) return;
  const row = button.closest("tr");
  const next = row.nextElementSibling;
  if (next && next.classList.contains("similar-row")) {
    next.remove();
    return;
  }
  const extra = document.createElement("tr");
  extra.className = "similar-row";
  extra.innerHTML = '<td colspan="9" class="muted">正在查找相似的历史指标……</td>';
  row.after(extra);
  const response = await fetch(button.dataset.url);
  extra.firstElementChild.innerHTML = response.ok ? await response.text() : "查找失败（" + response.status + "）";
  extra.firstElementChild.classList.remove("muted");
});

document.addEventListener("change", (event) => {
  if (event.target.id === "files") {
    const names = Array.from(event.target.files).map((file) => file.name);
    document.getElementById("file-names").textContent = names.length ? "已选择 " + names.length + " 个文件：" + names.join("、") : "未选择文件";
    return;
  }
  if (event.target.matches("#filter-table, #filter-flag, #filter-open, #filter-sort")) {
    event.target.form.submit();
  }
});
