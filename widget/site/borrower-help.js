/*
 * Borrower Help on a lender's page: starts rasa-webchat (dist/webchat.js,
 * loaded first) against the assistant's socket.io channel and adds what a
 * borrower needs on top of it:
 *   - the widget opens in the page's language (customData.language) and its
 *     status line follows the language of the bot's latest reply;
 *   - a handoff shows "waiting for an agent" with the ticket reference until the
 *     bot says it is back; replies from a person are marked as such;
 *   - a "Start over" button in the header (hidden while waiting for an agent,
 *     when the conversation belongs to the person who will answer);
 *   - the conversation survives reloads (rasa-webchat keeps the session token
 *     and the messages in localStorage; the server maps the token to the
 *     conversation, so no one else can join it), and every message sent
 *     while the widget was closed (an agent's reply) arrives when it comes
 *     back: the socket URL says which message was seen last (bh_seen);
 *   - a message the server refused (too long, too many, busy) is marked as
 *     not sent, with the reason and a "Send again" button;
 *   - "Talk to a person" is always one tap away, in the header (it sends
 *     /request_human, the same intent as typing it; hidden while waiting for
 *     an agent, when the request is already made); a person joining is shown;
 *   - when the server says the conversation is gone (erased at the borrower's
 *     request, or past the lender's retention period), the widget forgets its
 *     stored copy and starts a fresh conversation;
 *   - links may only be http(s), tel or mailto: anything else is disarmed.
 *
 *   BorrowerHelp.start({ server: "https://assistant.lender.example", lang: "zh" })
 */
(function () {
  'use strict';

  var LANGUAGES = ['en', 'zh'];
  var HANDOFF_KEY = 'borrower-help:handoff';
  var SEEN_KEY = 'borrower-help:seen';
  var WEBCHAT_KEY = 'chat_session';  // rasa-webchat's stored session and messages
  var SAFE_LINK = /^(https?:|tel:|mailto:)/i;
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/;

  var TEXT = {
    en: {
      title: 'Borrower Help',
      subtitle: 'Account, repayment and ID questions',
      hint: 'Describe your problem…',
      connecting: 'Connecting…',
      waiting: function (ticket) { return 'Waiting for an agent · ticket ' + ticket; },
      waitingDetail: 'A person from our support team will reply here. You can keep typing.',
      agentJoined: function (name) { return (name || 'An agent') + ' from our support team is with you'; },
      agentLabel: 'Support agent',
      startOver: 'Start over',
      person: 'Talk to a person',
      notSent: function (reason) { return 'Your last message was not sent: ' + reason; },
      sendAgain: 'Send again'
    },
    zh: {
      title: '借款人助手',
      subtitle: '账户、还款、身份证问题',
      hint: '请描述您遇到的问题…',
      connecting: '连接中…',
      waiting: function (ticket) { return '正在等待人工客服 · 工单 ' + ticket; },
      waitingDetail: '客服会在这里回复您，您可以继续留言。',
      agentJoined: function (name) { return '人工客服' + (name ? ' ' + name : '') + ' 正在为您服务'; },
      agentLabel: '人工客服',
      startOver: '重新开始',
      person: '转人工',
      notSent: function (reason) { return '上一条消息没有发出去：' + reason; },
      sendAgain: '重新发送'
    }
  };

  function pageLanguage(requested) {
    var lang = requested || new URLSearchParams(window.location.search).get('lang') ||
      document.documentElement.lang || 'en';
    lang = String(lang).toLowerCase().slice(0, 2);
    return LANGUAGES.indexOf(lang) >= 0 ? lang : 'en';
  }

  function readHandoff() {
    try {
      return JSON.parse(window.localStorage.getItem(HANDOFF_KEY)) || null;
    } catch (e) {
      return null;
    }
  }

  function writeHandoff(state) {
    if (state) window.localStorage.setItem(HANDOFF_KEY, JSON.stringify(state));
    else window.localStorage.removeItem(HANDOFF_KEY);
  }

  function readSeen() {
    var value = parseFloat(window.localStorage.getItem(SEEN_KEY));
    return isNaN(value) ? null : value;
  }

  // The time of the newest message received; read back as ?bh_seen= when
  // the widget connects again, so the server sends what was missed.
  function noteSeen(message) {
    var stamp = (message.metadata && message.metadata.bh_ts) || message.bh_ts;
    if (typeof stamp === 'number' && !(readSeen() >= stamp)) {
      window.localStorage.setItem(SEEN_KEY, String(stamp));
    }
  }

  // rasa-webchat renders Markdown without checking link targets.
  function disarmLinks(root) {
    var links = root.querySelectorAll ? root.querySelectorAll('a[href]') : [];
    for (var i = 0; i < links.length; i++) {
      if (!SAFE_LINK.test(links[i].getAttribute('href').trim())) {
        links[i].removeAttribute('href');
        links[i].className += ' bh-disarmed-link';
      } else {
        links[i].setAttribute('rel', 'noopener noreferrer');
        links[i].setAttribute('target', '_blank');
      }
    }
  }

  function lastSentText() {
    var mine = document.querySelectorAll('.rw-client .rw-message-text, .rw-client');
    return mine.length ? mine[mine.length - 1].textContent.trim() : '';
  }

  function StatusLine(lang, onStartOver, onPerson) {
    this.lang = lang;
    this.refused = null;
    this.restart = document.createElement('button');
    this.restart.type = 'button';
    this.restart.className = 'bh-start-over';
    this.restart.addEventListener('click', function () { onStartOver(); });
    this.person = document.createElement('button');
    this.person.type = 'button';
    this.person.className = 'bh-person';
    this.person.addEventListener('click', function () { onPerson(); });
    this.node = document.createElement('div');
    this.node.className = 'bh-status';
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this.render();
    var self = this;
    // rasa-webchat mounts its conversation panel only while it is open, so
    // put the status line back under the header whenever the panel appears.
    new MutationObserver(function () { self.attach(); disarmLinks(document.body); })
      .observe(document.body, { childList: true, subtree: true });
  }

  StatusLine.prototype.attach = function () {
    var header = document.querySelector('.rw-conversation-container .rw-header-and-loading') ||
      document.querySelector('.rw-conversation-container .rw-header');
    if (header && header.nextSibling !== this.node) {
      header.parentNode.insertBefore(this.node, header.nextSibling);
    }
    var title = document.querySelector('.rw-conversation-container .rw-header');
    if (title && this.restart.parentNode !== title) {
      title.appendChild(this.restart);
    }
    if (title && this.person.parentNode !== title) {
      title.appendChild(this.person);
    }
  };

  StatusLine.prototype.render = function () {
    var state = readHandoff();
    var text = TEXT[this.lang];
    document.documentElement.setAttribute('data-bh-lang', this.lang);
    this.restart.textContent = text.startOver;
    this.restart.hidden = Boolean(state);
    this.person.textContent = text.person;
    this.person.hidden = Boolean(state);
    if (this.refused) {
      this.node.hidden = false;
      this.node.setAttribute('data-state', 'refused');
      var reason = document.createElement('strong');
      reason.textContent = text.notSent(this.refused.error);
      var again = document.createElement('button');
      again.type = 'button';
      again.className = 'bh-send-again';
      again.textContent = text.sendAgain;
      var self = this;
      again.addEventListener('click', function () { self.onSendAgain(self.refused.text); });
      this.node.replaceChildren(reason, again);
      return;
    }
    if (!state) {
      this.node.hidden = true;
      this.node.textContent = '';
      return;
    }
    this.node.hidden = false;
    this.node.setAttribute('data-state', state.agent === undefined ? 'waiting' : 'agent');
    var title = document.createElement('strong');
    var detail = document.createElement('span');
    if (state.agent === undefined) {
      title.textContent = text.waiting(state.ticket_id);
      detail.textContent = text.waitingDetail;
    } else {
      title.textContent = text.agentJoined(state.agent);
      detail.textContent = state.ticket_id;
    }
    this.node.replaceChildren(title, detail);
  };

  StatusLine.prototype.notSent = function (refusal) {
    this.refused = { error: (refusal && refusal.error) || '', text: lastSentText() };
    var bubbles = document.querySelectorAll('.rw-client');
    if (bubbles.length) bubbles[bubbles.length - 1].classList.add('bh-not-sent');
    this.render();
  };

  StatusLine.prototype.follow = function (message) {
    this.refused = null;
    noteSeen(message);
    var fromAgent = Boolean(message.metadata && message.metadata.source === 'agent');
    if (typeof message.text === 'string' && message.text && !fromAgent) {
      this.lang = HAN.test(message.text) ? 'zh' : (/[A-Za-z]{3,}/.test(message.text) ? 'en' : this.lang);
    }
    if (message.handoff) {
      writeHandoff({ ticket_id: message.handoff.ticket_id, priority: message.handoff.priority });
    } else if (message.handoff_ended) {
      writeHandoff(null);
    } else if (message.metadata && message.metadata.agent_joined) {
      var joined = readHandoff() || {};
      joined.agent = message.metadata.agent_joined;
      writeHandoff(joined);
    } else if (message.metadata && message.metadata.source === 'agent') {
      var state = readHandoff() || {};
      state.agent = message.metadata.agent || null;
      writeHandoff(state);
    }
    this.render();
  };

  // The conversation was erased (or purged) on the server: drop every copy
  // kept in this browser and start again with a fresh session.
  function forgetConversation(storage) {
    [WEBCHAT_KEY, HANDOFF_KEY, SEEN_KEY].forEach(function (key) {
      window.localStorage.removeItem(key);
      window.sessionStorage.removeItem(key);
    });
    if (storage) storage.removeItem(WEBCHAT_KEY);
    window.location.reload();
  }

  function start(options) {
    options = options || {};
    if (!window.WebChat || !window.WebChat.default) {
      throw new Error('Borrower Help: load dist/webchat.js before borrower-help.js');
    }
    var server = (options.server || window.BORROWER_HELP_SERVER || '').replace(/\/$/, '');
    if (!server) throw new Error('Borrower Help: set the assistant\'s address in options.server');
    var lang = pageLanguage(options.lang);
    var text = TEXT[lang];
    var widget = { current: null };
    function send(payload, shownText) {
      if (widget.current && widget.current.sendMessage) widget.current.sendMessage(payload, shownText);
    }
    var status = new StatusLine(lang, function () {
      send('/start_over', TEXT[status.lang].startOver);
    }, function () {
      send('/request_human', TEXT[status.lang].person);
    });
    status.onSendAgain = function (text) {
      status.refused = null;
      status.render();
      if (text) send(text, text);
    };
    var seen = readSeen();

    window.WebChat.default({
      socketUrl: server + (seen === null ? '' : '?bh_seen=' + encodeURIComponent(String(seen))),
      socketPath: '/socket.io/',
      customData: { language: lang },
      initPayload: '/greet',
      title: options.title || text.title,
      subtitle: options.subtitle || text.subtitle,
      inputTextFieldHint: text.hint,
      connectingText: text.connecting,
      mainColor: options.color || '#0b5cad',
      userBackgroundColor: options.color || '#0b5cad',
      showMessageDate: true,
      // rasa-webchat waits up to 3 s per message by default; steps come in
      // several messages, so keep the "typing" pause short.
      customMessageDelay: function (message) {
        return Math.min(800, Math.max(300, message.length * 5));
      },
      hideWhenNotConnected: false,
      embedded: Boolean(options.embedded),
      params: { storage: options.storage === 'session' ? 'session' : 'local' },
      innerRef: widget,
      onSocketEvent: {
        bot_uttered: function (message) { status.follow(message || {}); },
        error: function (refusal) { status.notSent(refusal || {}); },
        bh_conversation_gone: function () { forgetConversation(null); }
      }
    }, options.element || null);

    return {
      /* Sends a payload (e.g. a button's) as if the borrower had clicked it. */
      send: send,
      language: function () { return status.lang; }
    };
  }

  window.BorrowerHelp = { start: start };
})();
