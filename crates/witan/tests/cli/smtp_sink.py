"""A real SMTP server for the alert tests (aiosmtpd): receives mail on 127.0.0.1:PORT and writes
each message, as it arrived, to DIR/NNNN.eml; stops by itself after SECONDS.

Usage: python3 smtp_sink.py DIR PORT SECONDS
"""
import os
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = len([n for n in os.listdir(folder) if n.endswith(".eml")])

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.folder, f"{self.count:04}.eml")
        with open(name + ".part", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name)
        return "250 OK"


def main():
    folder, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        time.sleep(seconds)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
