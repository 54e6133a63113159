// Passkeys: log in, check it is you, or add a passkey, with the phone's or computer's fingerprint, face or PIN.
// The parts are hidden until this script finds a browser that can do it; without it the page offers the other ways.
// The options and the answer travel as WebAuthn's JSON (parseCreationOptionsFromJSON, toJSON), with a fallback.
(function () {
  'use strict';
  var csrf = document.querySelector('meta[name="csrf-token"]');
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch || !csrf) { return; }

  function bytes(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(base64 + '==='.slice((base64.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }
  function text(buffer) {
    var view = new Uint8Array(buffer), raw = '';
    for (var i = 0; i < view.length; i++) { raw += String.fromCharCode(view[i]); }
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) { return PublicKeyCredential.parseCreationOptionsFromJSON(json); }
    var options = Object.assign({}, json, {challenge: bytes(json.challenge), user: Object.assign({}, json.user, {id: bytes(json.user.id)})});
    options.excludeCredentials = (json.excludeCredentials || []).map(function (c) { return Object.assign({}, c, {id: bytes(c.id)}); });
    return options;
  }
  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) { return PublicKeyCredential.parseRequestOptionsFromJSON(json); }
    var options = Object.assign({}, json, {challenge: bytes(json.challenge)});
    options.allowCredentials = (json.allowCredentials || []).map(function (c) { return Object.assign({}, c, {id: bytes(c.id)}); });
    return options;
  }
  function asJSON(credential) {
    if (credential.toJSON) { return credential.toJSON(); }
    var r = credential.response, response = {clientDataJSON: text(r.clientDataJSON)};
    if (r.attestationObject) {
      response.attestationObject = text(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      response.userHandle = r.userHandle ? text(r.userHandle) : null;
    }
    return {id: credential.id, rawId: text(credential.rawId), type: credential.type, response: response,
            authenticatorAttachment: credential.authenticatorAttachment || null,
            clientExtensionResults: credential.getClientExtensionResults()};
  }
  function post(url, body) {
    return fetch(url, {method: 'POST', credentials: 'same-origin',
                       headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf.getAttribute('content')},
                       body: JSON.stringify(body)})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { throw {said: (data.error && data.error.message) || ''}; }
          return data;
        });
      });
  }
  function say(part, message) {
    var out = part.querySelector('[data-passkey-message]');
    out.textContent = message;
    out.hidden = false;
    out.focus();
  }

  document.querySelectorAll('[data-passkey-only]').forEach(function (part) { part.hidden = false; });
  document.querySelectorAll('[data-passkey-missing]').forEach(function (part) { part.hidden = true; });
  document.querySelectorAll('[data-passkey]').forEach(function (part) {
    var button = part.querySelector('button');
    var failed = part.getAttribute('data-failed');
    part.hidden = false;
    part.addEventListener('submit', function (event) {
      event.preventDefault();
      button.disabled = true;
      var kind = part.getAttribute('data-passkey');
      var done;
      if (kind === 'add') {
        var name = part.querySelector('input[name="name"]');
        done = post(part.getAttribute('data-options'), {})
          .then(function (data) { return navigator.credentials.create({publicKey: creationOptions(data.publicKey)}); })
          .then(function (credential) { return post(part.getAttribute('action'), {credential: asJSON(credential), name: name.value}); });
      } else {
        var remember = document.getElementById('remember_device');
        done = post(part.getAttribute('data-options'), {method: 'passkey'})
          .then(function (data) { return navigator.credentials.get({publicKey: requestOptions(data.publicKey)}); })
          .then(function (credential) {
            var body = {method: 'passkey', credential: asJSON(credential)};
            if (remember) { body.remember_device = remember.checked; }
            return post(part.getAttribute('action'), body);
          });
      }
      done.then(function () { window.location.assign(part.getAttribute('data-next')); })
        .catch(function (error) {
          button.disabled = false;
          say(part, (error && error.said) || failed);  // the browser's own words are not in the person's language
        });
    });
  });
}());
