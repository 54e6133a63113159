// The password meter: asks the server how strong the password is (zxcvbn) and says it in words.
// Without JavaScript the form still says what is wrong when it is sent.
(function () {
  'use strict';
  var input = document.querySelector('input[data-strength]');
  var out = document.getElementById('password-strength');
  var csrf = document.querySelector('meta[name="csrf-token"]');
  if (!input || !out || !csrf || !window.fetch) { return; }
  var labels = JSON.parse(out.getAttribute('data-labels'));
  var timer = null;
  function show(result) {
    out.textContent = '';
    var level = document.createElement('p');
    level.className = 'strength strength-' + result.score;
    level.textContent = labels[result.score] + (result.ok ? ' ✓' : '');
    out.appendChild(level);
    result.problems.concat(result.suggestions).forEach(function (hint) {
      var line = document.createElement('p');
      line.className = 'hint';
      line.textContent = hint;
      out.appendChild(line);
    });
  }
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (!input.value) { out.textContent = ''; return; }
      var form = input.form;
      var token = form && form.querySelector('input[name="token"]');
      fetch('/api/v1/password/strength', {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf.getAttribute('content')},
        body: JSON.stringify(token ? {password: input.value, token: token.value} : {password: input.value})
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) { if (result) { show(result); } })
        .catch(function () { /* the form still checks on submit */ });
    }, 300);
  });
}());
