/* Canned replies: the chosen one is inserted into the reply box, where the
 * agent can edit it before sending (nothing is sent by choosing). */
(function () {
  'use strict';
  var pickers = document.querySelectorAll('select[data-canned-for]');
  Array.prototype.forEach.call(pickers, function (picker) {
    picker.addEventListener('change', function () {
      var box = document.getElementById(picker.getAttribute('data-canned-for'));
      if (!box || !picker.value) return;
      box.value = box.value.trim() ? box.value.replace(/\s+$/, '') + '\n' + picker.value : picker.value;
      box.focus();
      picker.value = '';
    });
  });
})();
