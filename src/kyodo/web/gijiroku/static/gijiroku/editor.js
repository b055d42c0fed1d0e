// Minutes editor: play the recording from a segment (▶) and show which segment is playing.
// A file of its own because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  function audio() { return document.getElementById("recording"); }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.play");
    var player = audio();
    if (!button || !player) { return; }
    event.preventDefault();
    player.currentTime = parseFloat(button.dataset.start) || 0;
    var playing = player.play();
    if (playing && playing.catch) { playing.catch(function () { /* autoplay refused: the position is set */ }); }
  });

  document.addEventListener("timeupdate", function (event) {
    var player = event.target;
    if (player.id !== "recording") { return; }
    var now = player.currentTime;
    document.querySelectorAll("form.segment").forEach(function (form) {
      var inside = now >= parseFloat(form.dataset.start) && now < parseFloat(form.dataset.end);
      form.classList.toggle("current", inside);
    });
  }, true);
})();
