// After a form comes back with errors, the summary takes the focus, so a screen reader reads what to do; each
// line of it leads to its field (the field itself, or the first input of that name when the id differs).
(function () {
  'use strict';
  var summary = document.querySelector('.error-summary');
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener('click', function (event) {
    var link = event.target.closest('a[data-field]');
    if (!link) { return; }
    var name = link.getAttribute('data-field');
    var target = document.getElementById(name) || document.querySelector('[name="' + CSS.escape(name) + '"]');
    if (!target) { return; }
    event.preventDefault();
    target.focus();
    target.scrollIntoView({block: 'center'});
  });
}());

// Buttons that print the page or copy a text (a share's link and code, recovery codes): hidden without script.
(function () {
  'use strict';
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
  if (!navigator.clipboard) { return; }
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    var label = button.textContent;
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.getAttribute('data-copied');
        setTimeout(function () { button.textContent = label; }, 3000);
      });
    });
  });
}());

// Conditional reveal (GOV.UK pattern): fields that only matter for one answer show when that answer is chosen
// (data-reveal-when) or when any answer but one is (data-reveal-unless). Without script they are always shown.
(function () {
  'use strict';
  document.querySelectorAll('[data-reveal-for]').forEach(function (part) {
    var form = part.closest('form');
    var name = part.getAttribute('data-reveal-for');
    var radios = form ? form.querySelectorAll('input[type=radio][name="' + name + '"]') : [];
    if (!radios.length) { return; }
    function update() {
      var checked = form.querySelector('input[type=radio][name="' + name + '"]:checked');
      var value = checked ? checked.value : '';
      var when = part.getAttribute('data-reveal-when');
      var unless = part.getAttribute('data-reveal-unless');
      part.hidden = when !== null ? value !== when : value === unless;
    }
    radios.forEach(function (radio) { radio.addEventListener('change', update); });
    update();
  });
}());
