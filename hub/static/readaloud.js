// "Lees voor": the browser's own speech reads a page (a button at its top, on reading pages) or one item (a button
// at the top of each report, plan or message) aloud, in a voice of the page's language. Separators are read as
// pauses and times as words ("10:30" as "10 uur 30"). Where the browser has no such voice, the server reads it
// (POST /api/v1/speech, for someone logged in: audio made with espeak-ng, 2,000 characters at a time); where that
// cannot be either, the button stays and says how to get a voice. With easy read on, every page and card has one.
(function () {
  'use strict';
  var speech = window.speechSynthesis;
  var root = document.documentElement;
  var speechUrl = root.getAttribute('data-speech-url');
  var readingText = root.getAttribute('data-reading-text') || '';
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var hasVoices = !!(speech && window.SpeechSynthesisUtterance);
  if (!hasVoices && !speechUrl) { return; }
  var language = (root.getAttribute('lang') || 'nl').slice(0, 2);
  var readLabel = root.getAttribute('data-read-aloud-label') || 'Lees voor';
  var pageLabel = root.getAttribute('data-read-page-label') || readLabel;
  var stopLabel = root.getAttribute('data-stop-reading-label') || 'Stop';
  var noVoice = root.getAttribute('data-no-voice-text') || '';
  var hour = language === 'nl' ? ' uur' : ' o\'clock';
  var active = null;

  function voice() {
    if (!hasVoices) { return null; }
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

  var playing = null;

  function stop() {
    if (hasVoices) { speech.cancel(); }
    if (playing) { playing.pause(); playing = null; }
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
      if (!chosen) { serverReads(made, note, clean(target)); return; }
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

  function parts(text) {
    // pieces of at most 2,000 characters, cut after a sentence where one ends in time
    var found = [];
    while (text.length > 2000) {
      var cut = text.lastIndexOf('. ', 2000);
      cut = cut > 500 ? cut + 1 : 2000;
      found.push(text.slice(0, cut));
      text = text.slice(cut).trim();
    }
    if (text) { found.push(text); }
    return found;
  }

  function serverReads(made, note, text) {
    if (!speechUrl || !text) { note.textContent = noVoice; note.hidden = false; return; }
    var queue = parts(text);
    active = made;
    made.textContent = stopLabel;
    made.setAttribute('aria-pressed', 'true');
    note.textContent = readingText;
    note.hidden = false;
    function next() {
      if (active !== made || !queue.length) { if (active === made) { stop(); } note.hidden = true; return; }
      fetch(speechUrl, {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'Accept': 'audio/wav',
                  'X-CSRF-Token': csrf ? csrf.getAttribute('content') : ''},
        body: JSON.stringify({text: queue.shift()})
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.blob();
      }).then(function (blob) {
        if (active !== made) { return; }
        playing = new Audio(URL.createObjectURL(blob));
        playing.setAttribute('data-read-aloud-audio', '');
        playing.onended = next;
        return playing.play();
      }).catch(function () {
        if (active === made) { stop(); }
        note.textContent = noVoice;
        note.hidden = false;
      });
    }
    next();
  }

  if (document.body.classList.contains('easy-read')) {  // easy read: every page, and every card on it, is read aloud
    var own = document.querySelector('main');
    if (own) { own.setAttribute('data-read-page', ''); }
    document.querySelectorAll('main .card').forEach(function (card) { card.setAttribute('data-read-aloud', ''); });
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
