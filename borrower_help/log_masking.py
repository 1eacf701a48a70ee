"""Personal numbers and secrets masked in every log line of every process.

Installed once per process (the Rasa server, the action server, the console,
the demo page server, the launcher) as the logging module's record factory,
so it covers every logger and handler, including those libraries add later:
a record's message, with its arguments filled in, and its traceback text are
masked when the record is created. A promise in the code that calls the
logger would not hold: Rasa quotes unknown intents, rasa-sdk echoes failed
requests, exceptions carry user text.
"""
import logging
import traceback

from borrower_help.privacy import mask

_installed = False


def _masking_factory(previous):
    def create(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: log what there is, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return record

    return create


def install() -> None:
    """Mask every record created from now on in this process (idempotent)."""
    global _installed
    if not _installed:
        logging.setLogRecordFactory(_masking_factory(logging.getLogRecordFactory()))
        _installed = True
