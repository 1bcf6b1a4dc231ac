#!/usr/bin/env python3
"""moto, the open-source AWS emulator, on a loopback port: the local AWS of this project.

    python3 local/moto/serve.py [--port N] [--data-dir DIR] [--exit-with-stdin]
    python3 local/moto/serve.py --check      (exit 0 when moto can run here, else say why)

What it adds to moto's own server (`moto_server`):

* Requests are served one at a time. moto's threaded server is not linearizable: two
  conditional writes of one item can both succeed, and 20 threads x 20 `ADD v :one` end
  below 400. DynamoDB applies each request to an item atomically; so does this, by
  running moto's WSGI application under one lock. Never long-poll an SQS queue here
  (WaitTimeSeconds > 0): it would hold every other request back for that long.
* `--data-dir DIR` keeps the DynamoDB tables across restarts. moto keeps state in memory
  only, so every DynamoDB request that changed something is appended to
  DIR/dynamodb-journal.jsonl as it is answered, and replayed on the next start; the
  journal is then rewritten as the tables' current contents, so it stays as small as
  the data. A last line cut short by a killed process is ignored; a damaged line before
  it stops the start, so nothing after it is lost. One server at a time may use a
  folder (it is locked). Queues and buses are not kept: the local runner delivers what
  they hold before it stops.
* One region. Whatever region a client signs its requests for, it reaches the same
  tables, queues and buses (moto would keep one set per region): a shell that exports
  AWS_REGION or AWS_DEFAULT_REGION cannot make the API, bin/admin and the tests miss each
  other's data.
* `--port 0` picks a free port. The first line on stdout says where it listens:
  `moto listening on http://127.0.0.1:PORT`.
* `--exit-with-stdin` stops the server when its standard input closes: the JVM that
  started it keeps a pipe open, so when the JVM ends, killed or not, so does this. Such
  a server ignores Ctrl-C (SIGINT): its JVM decides when it stops.

Exit codes: 0 stopped, 2 bad arguments, port or data folder, 3 moto is not installed.
Every failure is one line on stderr.
"""

import argparse
import fcntl
import io
import json
import os
import re
import signal
import sys
import threading

INSTALL_HINT = "moto is not installed: pip install 'moto[server]' (moto 5.x, Python 3)"

try:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import WSGIRequestHandler, make_server
    from werkzeug.test import EnvironBuilder
except ImportError:
    print(INSTALL_HINT, file=sys.stderr, flush=True)
    sys.exit(3)

REGION = "us-east-1"
# The region in a SigV4 credential scope: Credential=KEY/DATE/REGION/SERVICE/aws4_request.
SIGNED_REGION = re.compile(r"(Credential=[^/,]*/[^/,]*/)[^/,]*/")
JOURNAL = "dynamodb-journal.jsonl"
LOCK = ".serve.lock"
DYNAMODB_PREFIX = "DynamoDB_20120810."
# Calls that can change a table; the journal keeps those that succeeded.
DYNAMODB_WRITES = {
    "CreateTable", "UpdateTable", "DeleteTable", "UpdateTimeToLive", "TagResource", "UntagResource",
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
    "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
}


def signed_headers(region, target):
    """The headers moto routes a DynamoDB call by: its target and the SigV4 credential scope."""
    return {
        "X-Amz-Target": DYNAMODB_PREFIX + target,
        "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=local/20250101/%s/dynamodb/aws4_request, "
                         "SignedHeaders=host;x-amz-target, Signature=0" % region,
    }


class SerializedApp:
    """moto's WSGI application, one request at a time, journaling DynamoDB writes."""

    def __init__(self, app, journal_path):
        self.app = app
        self.lock = threading.Lock()
        self.journal = open(journal_path, "a", encoding="utf-8") if journal_path else None

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        if "HTTP_AUTHORIZATION" in environ:
            environ["HTTP_AUTHORIZATION"] = SIGNED_REGION.sub(r"\g<1>%s/" % REGION, environ["HTTP_AUTHORIZATION"])
        with self.lock:
            status, headers, chunks = self.call(environ)
            if self.journal is not None and status.startswith("200"):
                self.record(environ, body)
        start_response(status, headers)
        return chunks

    def call(self, environ):
        """Runs the app to completion, body included, so nothing of it runs outside the lock."""
        answer = {}
        chunks = []

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return chunks.append

        result = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], chunks

    def record(self, environ, body):
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(DYNAMODB_PREFIX) or target[len(DYNAMODB_PREFIX):] not in DYNAMODB_WRITES:
            return
        self.journal.write(json.dumps({"region": region_of(environ), "target": target[len(DYNAMODB_PREFIX):],
                                       "body": body.decode("utf-8")}) + "\n")
        self.journal.flush()

    def local_call(self, region, target, payload):
        """A DynamoDB call made from here, as a client would make it; the parsed answer, or raises."""
        data = payload if isinstance(payload, str) else json.dumps(payload)
        environ = EnvironBuilder(method="POST", path="/", base_url="http://127.0.0.1",
                                 headers=signed_headers(region, target), data=data.encode("utf-8")).get_environ()
        status, _, chunks = self.call(environ)
        answer = json.loads(b"".join(chunks) or b"{}")
        if not status.startswith("200"):
            raise RuntimeError("%s failed: %s %s" % (target, status, answer))
        return answer


def region_of(environ):
    try:
        return environ["HTTP_AUTHORIZATION"].split(",")[0].split()[1].split("/")[2]
    except (KeyError, IndexError):
        return "us-east-1"


class DamagedJournal(Exception):
    pass


def restore(app, journal_path):
    """Replays the journal into the empty emulator, then rewrites it as the tables' contents."""
    regions = set()
    if os.path.exists(journal_path):
        with open(journal_path, encoding="utf-8") as journal:
            lines = journal.readlines()
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                entry["region"], entry["target"], entry["body"]
            except (ValueError, KeyError, TypeError):
                if number == len(lines) and not line.endswith("\n"):
                    break  # the last line of a process that was killed while writing it
                raise DamagedJournal("%s: line %d is damaged; move the file away to start empty"
                                     % (journal_path, number))
            regions.add(entry["region"])
            try:
                app.local_call(entry["region"], entry["target"], entry["body"])
            except RuntimeError:
                pass  # it succeeded once; the tables it left are what matters
    compacted = journal_path + ".new"
    with open(compacted, "w", encoding="utf-8") as out:
        for region in sorted(regions):
            for entry in snapshot(app, region):
                out.write(json.dumps(entry) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(compacted, journal_path)


def snapshot(app, region):
    """The calls that rebuild every table of a region as it is now: CreateTable, TTL, PutItem."""
    names, start = [], None
    while True:
        page = app.local_call(region, "ListTables", {"ExclusiveStartTableName": start} if start else {})
        names += page.get("TableNames", [])
        start = page.get("LastEvaluatedTableName")
        if not start:
            break
    for name in names:
        table = app.local_call(region, "DescribeTable", {"TableName": name})["Table"]
        create = {key: table[key] for key in ("TableName", "AttributeDefinitions", "KeySchema") if key in table}
        create["BillingMode"] = "PAY_PER_REQUEST"
        indexes = [{key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
                   for index in table.get("GlobalSecondaryIndexes", [])]
        if indexes:
            create["GlobalSecondaryIndexes"] = indexes
        local_indexes = [{key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
                         for index in table.get("LocalSecondaryIndexes", [])]
        if local_indexes:
            create["LocalSecondaryIndexes"] = local_indexes
        stream = table.get("StreamSpecification")
        if stream and stream.get("StreamEnabled"):
            create["StreamSpecification"] = stream
        yield {"region": region, "target": "CreateTable", "body": json.dumps(create)}
        ttl = app.local_call(region, "DescribeTimeToLive", {"TableName": name}).get("TimeToLiveDescription", {})
        if ttl.get("TimeToLiveStatus") == "ENABLED":
            yield {"region": region, "target": "UpdateTimeToLive", "body": json.dumps({
                "TableName": name,
                "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ttl["AttributeName"]}})}
        scan = {"TableName": name, "ConsistentRead": True}
        while True:
            page = app.local_call(region, "Scan", scan)
            for item in page.get("Items", []):
                yield {"region": region, "target": "PutItem", "body": json.dumps({"TableName": name, "Item": item})}
            if "LastEvaluatedKey" not in page:
                break
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class QuietHandler(WSGIRequestHandler):
    """No line per request on stderr: the local runner and the tests make thousands."""

    def log_request(self, *args, **kwargs):
        pass


def fail(message):
    print(message, file=sys.stderr, flush=True)
    sys.exit(2)


def lock_folder(data_dir):
    """One server per data folder: two would each rewrite the journal under the other."""
    try:
        os.makedirs(data_dir, exist_ok=True)
        lock = open(os.path.join(data_dir, LOCK), "w")
    except OSError as error:
        fail("cannot use the data folder %s: %s" % (data_dir, error.strerror))
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fail("the data folder %s is in use by another local AWS (bin/local-api or bin/invoke)" % data_dir)
    return lock


def main():
    parser = argparse.ArgumentParser(description="moto on 127.0.0.1, one request at a time.")
    parser.add_argument("--port", type=int, default=5000, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--data-dir", help="keep the DynamoDB tables in this folder across restarts")
    parser.add_argument("--exit-with-stdin", action="store_true", help="stop when standard input closes")
    parser.add_argument("--check", action="store_true", help="only check that moto can run here")
    args = parser.parse_args()
    if args.check:
        return  # the imports above succeeded

    folder_lock = lock_folder(args.data_dir) if args.data_dir else None
    app = SerializedApp(DomainDispatcherApplication(create_backend_app), None)
    try:
        # Bound before the journal is touched: a busy port changes nothing on disk.
        server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=QuietHandler)
    except (OSError, SystemExit):  # werkzeug reports a port in use itself, then exits
        fail("cannot listen on 127.0.0.1:%d: the port is in use or not allowed" % args.port)
    if folder_lock:
        journal_path = os.path.join(args.data_dir, JOURNAL)
        try:
            restore(app, journal_path)
        except DamagedJournal as damaged:
            fail(str(damaged))
        app.journal = open(journal_path, "a", encoding="utf-8")

    def stop(*_):
        # Between two requests, so no journal line is left half-written.
        app.lock.acquire(timeout=10)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    if args.exit_with_stdin:
        # Ctrl-C reaches the whole process group; the JVM stops this when it is done with it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)

        def watch():
            while sys.stdin.buffer.read(4096):
                pass
            stop()
        threading.Thread(target=watch, daemon=True).start()
    else:
        signal.signal(signal.SIGINT, stop)

    print("moto listening on http://127.0.0.1:%d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
