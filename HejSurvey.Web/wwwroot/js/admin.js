// Admin pages: a copy button beside a read-only address. Without JavaScript the button stays hidden and the address
// can still be selected and copied by hand.
(function () {
  'use strict';
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    var status = document.getElementById(button.getAttribute('data-copy') + '-status');
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      var say = function (text) {
        if (status) {
          status.textContent = text;
        }
      };
      var selectIt = function () {
        field.focus();
        field.select();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          say(button.getAttribute('data-copied'));
        }, function () {
          selectIt();
          say(button.getAttribute('data-failed'));
        });
      } else {
        selectIt();
        say(button.getAttribute('data-failed'));
      }
    });
  });
})();
