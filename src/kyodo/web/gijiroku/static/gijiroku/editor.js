// Minutes editor: play from a segment (▶), follow the playing segment, playback speed, keyboard shortcuts,
// and the caret position for 分割. A file of its own because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  function audio() { return document.getElementById("recording"); }
  function segments() { return Array.prototype.slice.call(document.querySelectorAll("form.segment")); }

  function playFrom(seconds) {
    var player = audio();
    if (!player) { return; }
    player.currentTime = seconds;
    var playing = player.play();
    if (playing && playing.catch) { playing.catch(function () { /* autoplay refused: the position is set */ }); }
  }

  function focusSegment(form) {
    if (!form) { return; }
    var box = form.querySelector("textarea[name=text]");
    form.scrollIntoView({ block: "center" });
    if (box) { box.focus(); }
    var player = audio();
    if (player) { player.currentTime = parseFloat(form.dataset.start) || 0; }
  }

  function currentSegment() {
    var active = document.activeElement && document.activeElement.closest ? document.activeElement.closest("form.segment") : null;
    return active || document.querySelector("form.segment.current");
  }

  function step(by) {
    var all = segments();
    var index = all.indexOf(currentSegment());
    focusSegment(all[Math.max(0, Math.min(all.length - 1, index + by))] || all[0]);
  }

  document.addEventListener("click", function (event) {
    var play = event.target.closest("button.play");
    if (play) {
      event.preventDefault();
      playFrom(parseFloat(play.dataset.start) || 0);
      return;
    }
    var split = event.target.closest("button.split");
    if (split) {
      var box = split.closest("form.segment").querySelector("textarea[name=text]");
      document.querySelector("#segment-op input[name=at]").value = box ? String(box.selectionStart) : "";
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "speed" && audio()) { audio().playbackRate = parseFloat(event.target.value) || 1; }
  });

  document.addEventListener("keydown", function (event) {
    var player = audio();
    if (event.altKey && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      if (player) { if (player.paused) { player.play(); } else { player.pause(); } }
    } else if (event.altKey && event.key === "ArrowDown") {
      event.preventDefault();
      step(1);
    } else if (event.altKey && event.key === "ArrowUp") {
      event.preventDefault();
      step(-1);
    } else if (event.ctrlKey && event.key === "Enter" && event.target.closest && event.target.closest("form.segment")) {
      event.preventDefault();
      event.target.closest("form.segment").requestSubmit();
    }
  });

  document.addEventListener("timeupdate", function (event) {
    var player = event.target;
    if (player.id !== "recording") { return; }
    var now = player.currentTime;
    segments().forEach(function (form) {
      var inside = now >= parseFloat(form.dataset.start) && now < parseFloat(form.dataset.end);
      form.classList.toggle("current", inside);
    });
  }, true);
})();
