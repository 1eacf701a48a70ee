"""The worker (as the launcher starts it) keeps the console up to date while
conversations happen: events written by our store and by Rasa's stock
SQLTrackerStore are in the console's search within seconds."""
import os
import signal
import subprocess
import sys
import time

from borrower_help.files import ROOT
from borrower_help.reporting import queries
from tests.reporting.conftest import bot, save_masked, save_stock, user


def test_new_messages_are_searchable_within_seconds(any_database, tmp_path):
    url = any_database
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT), BORROWER_HELP_VAR=str(tmp_path / "var"))
    worker = subprocess.Popen([sys.executable, "-m", "borrower_help.worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        lags = []
        for i, (save, text) in enumerate([(save_masked, "我的手机号换了 ours-1"), (save_stock, "stock store here 2"),
                                          (save_masked, "again from ours 3"), (save_stock, "又一个 stock 4")]):
            save(url, f"live-{i}", [user(text, "greet"), bot("Hi!", "utter_greet")], started=time.time())
            written = time.time()
            while not queries.conversations(queries.Filters(text=text[-7:]), url=url):
                assert time.time() - written < 10, f"{text!r} not searchable after 10 s"
                time.sleep(0.1)
            lags.append(time.time() - written)
        assert max(lags) < 5
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
