// The smiley picker of the board: buttons that put a smiley where the cursor is in the text field.
// Without JavaScript the buttons stay hidden; typing a smiley works as always.
(function () {
  'use strict';
  document.querySelectorAll('[data-smileys-for]').forEach(function (picker) {
    var field = document.getElementById(picker.getAttribute('data-smileys-for'));
    if (!field) { return; }
    picker.hidden = false;
    picker.addEventListener('click', function (event) {
      var button = event.target.closest('[data-insert]');
      if (!button) { return; }
      var smiley = button.getAttribute('data-insert');
      var start = field.selectionStart == null ? field.value.length : field.selectionStart;
      var end = field.selectionEnd == null ? field.value.length : field.selectionEnd;
      field.value = field.value.slice(0, start) + smiley + field.value.slice(end);
      field.focus();
      field.setSelectionRange(start + smiley.length, start + smiley.length);
    });
  });
}());
