#!/usr/bin/python3
# A strict check of the Prometheus text exposition format on stdin (as node_exporter's
# textfile collector reads it): exit 0, or 1 with the first fault on stderr. Every sample
# is NAME{LABEL="VALUE",...} VALUE with valid names, only the escapes \\ \" \n in label
# values, HELP and TYPE once per family and before its samples, each family's lines
# together, no series twice, UTF-8 throughout.
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*\Z')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
VALUE = re.compile(r'[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z|[+-]Inf\Z|NaN\Z')


def fail(n, line, why):
    sys.stderr.write('line %d: %s: %r\n' % (n, why, line))
    sys.exit(1)


def labels(n, line, s):
    """The labels of s (the text after '{'), and the rest after '}'."""
    got, i = [], 0
    while True:
        m = LABEL.match(s, i)
        if not m:
            fail(n, line, 'bad labels')
        got.append(m.group(1))
        i = m.end()
        if s[i:i + 1] == '}':
            if len(set(got)) != len(got):
                fail(n, line, 'a label twice')
            return s[:i + 1], s[i + 1:]
        if s[i:i + 1] != ',':
            fail(n, line, 'bad labels')
        i += 1


def main():
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        fail(0, '', 'not UTF-8')
    if not text.endswith('\n'):
        fail(0, '', 'no final newline')
    seen, series, cur, help_, type_ = set(), set(), None, False, False
    for n, line in enumerate(text[:-1].split('\n'), 1):
        if line.startswith('#'):
            parts = line.split(' ', 3)
            if len(parts) < 4 or parts[0] != '#' or parts[1] not in ('HELP', 'TYPE'):
                fail(n, line, 'a comment that is neither HELP nor TYPE')
            name = parts[2]
        else:
            m = re.match(r'[^{ ]*', line)
            name = m.group(0)
        if not NAME.match(name):
            fail(n, line, 'bad metric name')
        if name != cur:
            if name in seen:
                fail(n, line, 'family not contiguous')
            seen.add(name)
            cur, help_, type_ = name, False, False
        if line.startswith('# HELP '):
            if help_:
                fail(n, line, 'HELP twice')
            help_ = True
            continue
        if line.startswith('# TYPE '):
            if type_ or parts[3] not in ('counter', 'gauge'):
                fail(n, line, 'TYPE twice or unknown')
            type_ = True
            continue
        if not (help_ and type_):
            fail(n, line, 'a sample before its HELP and TYPE')
        rest = line[len(name):]
        lab = ''
        if rest.startswith('{'):
            lab, rest = labels(n, line, rest[1:])
        if not rest.startswith(' ') or not VALUE.match(rest[1:]):
            fail(n, line, 'bad value')
        if (name, lab) in series:
            fail(n, line, 'duplicate series')
        series.add((name, lab))


main()
