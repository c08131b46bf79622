"""A private tmux server driven through control mode (`tmux -C`), for timing a terminal program's screen.

Commands and screen reads go down one pipe instead of one tmux process each, and tmux's %output
notifications wake the waiter as soon as the program wrote something, so a wait costs a capture per write
rather than a sleep. The round trip this leaves is measured by `echo_latency` and stated with the results.
"""

import os
import select
import subprocess
import time

clock = time.perf_counter


class Timeout(Exception):
    def __init__(self, what, screen):
        super().__init__("%s: not seen within the time allowed; the screen was:\n%s" % (what, screen))
        self.screen = screen


class Tmux:
    def __init__(self, width, height):
        self.sock = "feedtui-bench-%d" % os.getpid()
        self.base = ["tmux", "-u", "-L", self.sock]
        # The first window runs cat: `echo_latency` types into it.
        subprocess.run(self.base + ["-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", str(width),
                                    "-y", str(height), "cat"], check=True)
        self.proc = subprocess.Popen(self.base + ["-C", "attach-session", "-t", "bench"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        self.fd = self.proc.stdout.fileno()
        self.buf = b""
        self.output_seen = False
        # The attach answers with blocks of its own: wait until it is done (%session-changed), then read blocks
        # until a marker's comes back, so that from here on each command's answer is the next block.
        deadline = time.monotonic() + 10
        while not (self._line(deadline) or b"%session-changed").startswith(b"%session-changed"):
            pass
        self.proc.stdin.write(b"display-message -p bench-ready\n")
        while b"bench-ready" not in b"\n".join(self._block(deadline)):
            pass
        for c in ["set-option -g status off", "set-option -g remain-on-exit on", "set-option -g history-limit 0",
                  "refresh-client -C %d,%d" % (width, height)]:
            self.cmd(c)
        self.cat_pane = self.cmd("display-message -p '#{pane_id}'")[0].decode()
        self.pane = None

    # --- the control-mode protocol: lines, blocks between %begin and %end, notifications outside them -------
    def _line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise RuntimeError("tmux control client ended")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def _block(self, deadline):
        lines, inside = [], False
        while True:
            line = self._line(deadline)
            if line is None:
                raise RuntimeError("tmux did not answer")
            if not inside:
                if line.startswith(b"%begin") and line.endswith(b" 1"):  # flags 1: a command of this client
                    inside = True
                elif line.startswith(b"%output"):
                    self.output_seen = True
                continue
            if line.startswith(b"%end") or line.startswith(b"%error"):
                if line.startswith(b"%error"):
                    raise RuntimeError("tmux: %s" % b" ".join(lines).decode(errors="replace"))
                return lines
            lines.append(line)

    def cmd(self, command):
        self.proc.stdin.write(command.encode() + b"\n")
        return self._block(time.monotonic() + 30)

    def wait_output(self, deadline):
        """Returns when the pane wrote something (or at the deadline)."""
        while not self.output_seen:
            line = self._line(deadline)
            if line is None:
                return
            if line.startswith(b"%output"):
                self.output_seen = True

    # --- a program in a fresh window per run --------------------------------------------------------------
    def run(self, script):
        """Starts `sh SCRIPT` in a new window, closing the previous run's; returns the start time."""
        old = self.pane
        t0 = clock()
        self.pane = self.cmd("new-window -d -P -F '#{pane_id}' -t bench: 'exec sh %s'" % script)[0].decode()
        if old:
            self.cmd("kill-pane -t %s" % old)
        return t0

    def screen(self, attributes=False, pane=None):
        lines = self.cmd("capture-pane -p %s-t %s" % ("-e " if attributes else "", pane or self.pane))
        return "\n".join(l.decode("utf-8", errors="replace") for l in lines)

    def send(self, *keys, literal=False, pane=None):
        """Sends keys; returns the time just before, the start of what a key measures."""
        t0 = clock()
        quoted = " ".join("'%s'" % k.replace("'", "'\\''") for k in keys)
        self.cmd("send-keys -t %s %s%s" % (pane or self.pane, "-l " if literal else "", quoted))
        return t0

    def wait(self, what, cond, timeout, since, attributes=False, pane=None):
        """Polls the screen after every write of the program until cond(screen) holds. Returns the seconds
        from `since` to the capture that saw it, and that screen."""
        deadline = time.monotonic() + timeout
        while True:
            self.output_seen = False
            t = clock()
            screen = self.screen(attributes, pane)
            if cond(screen):
                return t - since, screen
            if time.monotonic() > deadline:
                raise Timeout(what, screen)
            # Wake on the next write; a 20 ms fallback covers a change that came with no new output.
            self.wait_output(min(deadline, time.monotonic() + 0.02))

    def dead(self):
        return self.cmd("display-message -p -t %s '#{pane_dead}'" % self.pane)[0] == b"1"

    def wait_dead(self, timeout):
        deadline = time.monotonic() + timeout
        while not self.dead():
            if time.monotonic() > deadline:
                raise Timeout("the program's exit", self.screen())
            time.sleep(0.01)

    def echo_latency(self, rounds=30):
        """Median seconds from sending a key to seeing it on the screen, echoed by the terminal itself: what
        the harness adds to every key it times."""
        times = []
        typed = ""
        for i in range(rounds):
            ch = "abcdefghij"[i % 10]
            typed += ch
            t0 = self.send(ch, literal=True, pane=self.cat_pane)
            want = typed
            dt, _ = self.wait("echo", lambda s: s.rstrip().endswith(want), 5, t0, pane=self.cat_pane)
            times.append(dt)
        self.send("C-u", pane=self.cat_pane)
        times.sort()
        return times[len(times) // 2]

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except Exception:
            pass
        subprocess.run(self.base + ["kill-server"], stderr=subprocess.DEVNULL)
