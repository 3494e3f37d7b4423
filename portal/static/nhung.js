// One <script> tag puts the handbook's chat box on a school's own site:
//   <script src="https://cam-nang.example/nhung.js" async></script>
// It adds an iframe of the portal's chat page (allowed only for the origins in
// PORTAL_EMBED_ORIGINS) at the end of the page, or inside <div id="gdnn-chat"> when there is one.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var origin = new URL(script.src).origin;
  var frame = document.createElement("iframe");
  frame.src = origin + "/khung-chat";
  frame.title = "Hỏi bot tư vấn tuyển sinh học nghề";
  frame.loading = "lazy";
  frame.style.width = "100%";
  frame.style.maxWidth = "26rem";
  frame.style.height = "34rem";
  frame.style.border = "1px solid #ccc";
  frame.style.borderRadius = "8px";
  var place = document.getElementById("gdnn-chat");
  (place || document.body).appendChild(frame);
})();
