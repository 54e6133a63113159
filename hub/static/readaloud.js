// "Lees voor": a button beside reports, plans and messages that reads them aloud with the browser's own speech,
// in a Dutch voice. Where the browser has no speech or no Dutch voice there is no button at all.
(function () {
  'use strict';
  var speech = window.speechSynthesis;
  var root = document.documentElement;
  if (!speech || !window.SpeechSynthesisUtterance) { return; }
  var readLabel = root.getAttribute('data-read-aloud-label') || 'Lees voor';
  var stopLabel = root.getAttribute('data-stop-reading-label') || 'Stop';
  var active = null;

  function dutchVoice() {
    var voices = speech.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^nl(-|_|$)/i.test(voices[i].lang)) { return voices[i]; }
    }
    return null;
  }

  function stop() {
    speech.cancel();
    if (active) { active.textContent = readLabel; active.setAttribute('aria-pressed', 'false'); active = null; }
  }

  function addButtons() {
    var voice = dutchVoice();
    if (!voice) { return false; }
    var items = document.querySelectorAll('main [data-read-aloud]');
    for (var i = 0; i < items.length; i++) {
      if (items[i].querySelector('button.read-aloud')) { continue; }
      (function (item) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'read-aloud button-secondary';
        button.textContent = readLabel;
        button.setAttribute('aria-pressed', 'false');
        button.addEventListener('click', function () {
          var mine = active === button;
          stop();
          if (mine) { return; }
          var text = item.getAttribute('data-read-aloud-text') || item.innerText.replace(readLabel, '');
          var utterance = new SpeechSynthesisUtterance(text);
          utterance.voice = voice;
          utterance.lang = voice.lang;
          utterance.rate = 0.9;  // a little slower than usual: easier to follow
          utterance.onend = stop;
          active = button;
          button.textContent = stopLabel;
          button.setAttribute('aria-pressed', 'true');
          speech.speak(utterance);
        });
        item.appendChild(button);
      })(items[i]);
    }
    return true;
  }

  if (!addButtons() && 'onvoiceschanged' in speech) {
    speech.addEventListener('voiceschanged', function once() {
      if (addButtons()) { speech.removeEventListener('voiceschanged', once); }
    });
  }
  window.addEventListener('pagehide', stop);
})();
