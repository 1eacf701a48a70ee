// The demo lender page: its own words in the language of ?lang=, then the
// assistant, started exactly as README "Embedding the widget" tells lenders.
(function () {
  'use strict';
  var WORDS = {
    en: {
      brandZh: '',
      heading: 'Borrow simply. Repay on your terms.',
      lead: 'Stuck with a changed phone number, an expired ID or a failed repayment? Ask our assistant at the bottom right — in English or 中文.',
      card1Title: 'Changed your phone number?',
      card1: 'Codes going to your old number? The assistant walks you through updating it, and how to repay on time meanwhile.',
      card2Title: 'ID card expired?',
      card2: 'Credit line closed after your ID expired? Find out how to renew and update it.',
      card3Title: 'Talk to a person',
      card3: 'Type “agent” any time. A person from our support team will reply in the same chat.',
      footer: 'Lumen Credit is a fictional lender for the Borrower Help demo.'
    },
    zh: {
      brandZh: '明灯信贷',
      heading: '借得简单，还得从容',
      lead: '换了手机号、身份证过期、还款失败？点右下角问问借款人助手，中文或 English 都可以。',
      card1Title: '换了手机号？',
      card1: '验证码还发到旧号码？助手一步步教您更换绑定手机号，以及期间怎样按时还款。',
      card2Title: '身份证过期了？',
      card2: '身份证过期后额度用不了？看看怎样换领新证并在APP里更新。',
      card3Title: '找人工客服',
      card3: '随时发送“转人工”，客服会在同一个聊天窗口里回复您。',
      footer: '明灯信贷是借款人助手演示用的虚构贷款机构。'
    }
  };
  var lang = new URLSearchParams(window.location.search).get('lang') === 'zh' ? 'zh' : 'en';
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-text]').forEach(function (node) {
    node.textContent = WORDS[lang][node.getAttribute('data-text')];
  });
  window.borrowerHelp = window.BorrowerHelp.start({ server: window.BORROWER_HELP_SERVER, lang: lang });
})();
