// Notes save themselves as one types: a short pause after typing sends the text to the API with the version it was
// made on. Without JavaScript the "Save changes" button does the same. When someone else changed the note in the
// meantime, the page shows their text beside yours and stops saving by itself: you merge the two and save.
(function () {
  'use strict';
  var PAUSE = 1500;
  document.querySelectorAll('form[data-autosave]').forEach(function (form) {
    var field = form.querySelector('textarea[name="text"]');
    var version = form.querySelector('input[name="version"]');
    var token = form.querySelector('input[name="csrf_token"]');
    var status = form.querySelector('.autosave-status');
    if (!field || !version || !token || !status) { return; }
    var timer = null, saved = field.value, stopped = false, busy = false;

    function say(text) { status.textContent = text; }

    function showConflict(current) {
      stopped = true;
      var box = form.querySelector('.autosave-conflict');
      if (!box) {
        box = document.createElement('div');
        box.className = 'alert alert-warning autosave-conflict';
        form.insertBefore(box, field.previousElementSibling || field);
      }
      box.textContent = '';
      var intro = document.createElement('p');
      intro.textContent = form.getAttribute('data-conflict-label');
      var theirs = document.createElement('p');
      theirs.className = 'text';
      theirs.textContent = current.text;
      var outro = document.createElement('p');
      outro.textContent = form.getAttribute('data-merge-label');
      box.appendChild(intro); box.appendChild(theirs); box.appendChild(outro);
      version.value = current.version;  // a save now is made on their version: the merge
      say(form.getAttribute('data-conflict-status'));
    }

    function save() {
      if (stopped || busy || field.value === saved || !field.value.trim()) { return; }
      busy = true;
      var text = field.value;
      fetch(form.getAttribute('data-autosave'), {
        method: 'PATCH', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token.value, 'Accept': 'application/json'},
        body: JSON.stringify({text: text, version: parseInt(version.value, 10)})
      }).then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      }).then(function (answer) {
        busy = false;
        if (answer.status === 200) {
          saved = text;
          version.value = answer.body.version;
          say(form.getAttribute('data-saved-label'));
          if (field.value !== saved) { schedule(); }
        } else if (answer.status === 409 && answer.body.error && answer.body.error.current) {
          showConflict(answer.body.error.current);
        } else {
          say(form.getAttribute('data-error-label') + ' ' + ((answer.body.error || {}).message || ''));
        }
      }).catch(function () {
        busy = false;
        say(form.getAttribute('data-offline-label'));
      });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, PAUSE);
    }

    field.addEventListener('input', function () {
      if (!stopped) { say(''); schedule(); }
    });
    field.addEventListener('blur', save);
    form.setAttribute('data-autosave-ready', '');  // it listens now
  });
}());
