// A care page just linked: while the first sync runs, ask every few seconds whether the data are here (the care
// page then has the client's name) and show them. Without script the page says to come back in a few minutes.
(function () {
  'use strict';
  var box = document.querySelector('[data-wait-for-sync]');
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute('data-wait-for-sync');
  var tries = 0;
  function ask() {
    tries += 1;
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (circle) {
        if (circle && circle.name) { window.location.reload(); } else if (tries < 60) { setTimeout(ask, 5000); }
      })
      .catch(function () { if (tries < 60) { setTimeout(ask, 5000); } });
  }
  setTimeout(ask, 3000);
}());
