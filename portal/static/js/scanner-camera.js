// Optional camera scanning on the scanner page, only where the browser has a QR detector.
// The page works without it: a barcode scanner (or a person) types the pass number and Enter.
(function () {
  "use strict";
  var button = document.getElementById("camera");
  var video = document.getElementById("camera-view");
  var input = document.getElementById("token");
  if (!button || !video || !input || !("BarcodeDetector" in window) ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var startLabel = button.textContent;
  var stream = null;
  var detector = null;

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    stream = null;
    video.hidden = true;
    button.textContent = startLabel;
  }

  function look() {
    if (!stream) { return; }
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        input.value = codes[0].rawValue;
        stop();
        // requestSubmit: the kept-scans script sees the scan (submit() would bypass it).
        if (input.form.requestSubmit) { input.form.requestSubmit(); } else { input.form.submit(); }
      } else {
        window.setTimeout(look, 150);
      }
    }).catch(function () { window.setTimeout(look, 300); });
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); input.focus(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = button.getAttribute("data-stop");
        return video.play();
      })
      .then(function () { look(); })
      .catch(function () { stop(); input.focus(); });
  });

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") !== -1) {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      button.hidden = false;
    }
  }).catch(function () {});
})();
