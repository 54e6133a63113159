// "Lees voor": the browser's own speech reads a page (a button at its top, on reading pages) or one item (a button
// at the top of each report, plan or message) aloud, in a voice of the page's language. Separators are read as
// pauses and times as words ("10:30" as "10 uur 30"). Where the browser has no such voice, the button stays and
// says how to get one.
(function () {
  'use strict';
  var speech = window.speechSynthesis;
  var root = document.documentElement;
  if (!speech || !window.SpeechSynthesisUtterance) { return; }
  var language = (root.getAttribute('lang') || 'nl').slice(0, 2);
  var readLabel = root.getAttribute('data-read-aloud-label') || 'Lees voor';
  var pageLabel = root.getAttribute('data-read-page-label') || readLabel;
  var stopLabel = root.getAttribute('data-stop-reading-label') || 'Stop';
  var noVoice = root.getAttribute('data-no-voice-text') || '';
  var hour = language === 'nl' ? ' uur' : ' o\'clock';
  var active = null;

  function voice() {
    var voices = speech.getVoices();
    var pattern = new RegExp('^' + language + '(-|_|$)', 'i');
    for (var i = 0; i < voices.length; i++) {
      if (pattern.test(voices[i].lang)) { return voices[i]; }
    }
    return null;
  }

  function clean(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll('button, form, nav, script, .visually-hidden, [aria-hidden="true"], [hidden]')
      .forEach(function (node) { node.remove(); });
    copy.querySelectorAll('h1, h2, h3, h4, p, li, dt, dd, tr').forEach(function (node) {
      node.appendChild(document.createTextNode('. '));
    });
    return (copy.textContent || '')
      .replace(/\u00ad/g, '')  // the soft hyphens of long words in headings
      .replace(/\s*[·•|—–]\s*/g, ', ')
      .replace(/\b(\d{1,2}):00\b/g, '$1' + hour)
      .replace(/\b(\d{1,2}):(\d{2})\b/g, '$1' + hour + ' $2')
      .replace(/\s*\.\s*(\.\s*)+/g, '. ')
      .replace(/\s+/g, ' ').trim();
  }

  function stop() {
    speech.cancel();
    if (active) { active.textContent = active.getAttribute('data-label'); active.setAttribute('aria-pressed', 'false'); active = null; }
  }

  function button(label, target, before) {
    var made = document.createElement('button');
    made.type = 'button';
    made.className = 'read-aloud button-secondary';
    made.textContent = label;
    made.setAttribute('data-label', label);
    made.setAttribute('aria-pressed', 'false');
    var note = document.createElement('p');
    note.className = 'hint read-aloud-note';
    note.hidden = true;
    note.setAttribute('role', 'status');
    made.addEventListener('click', function () {
      var mine = active === made;
      stop();
      if (mine) { return; }
      var chosen = voice();
      if (!chosen) { note.textContent = noVoice; note.hidden = false; return; }
      var utterance = new SpeechSynthesisUtterance(clean(target));
      utterance.voice = chosen;
      utterance.lang = chosen.lang;
      utterance.rate = 0.9;  // a little slower than usual: easier to follow
      utterance.onend = stop;
      active = made;
      made.textContent = stopLabel;
      made.setAttribute('aria-pressed', 'true');
      speech.speak(utterance);
    });
    before.parentNode.insertBefore(made, before);
    before.parentNode.insertBefore(note, before);
  }

  var main = document.querySelector('main[data-read-page]');
  if (main) {
    var heading = main.querySelector('h1');
    button(pageLabel, main, heading ? heading.nextSibling : main.firstChild);
  }
  document.querySelectorAll('main [data-read-aloud]').forEach(function (item) {
    if (!item.querySelector('button.read-aloud')) { button(readLabel, item, item.firstChild); }
  });
  window.addEventListener('pagehide', stop);
}());
