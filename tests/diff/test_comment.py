"""plinth comment against a local HTTP server speaking the GitHub and GitLab comment APIs."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from scripts import cli
from scripts.diff import diff_plans
from scripts.diff.render import StackReport, render_markdown
from tests.diff.plans import plan, state


class FakeForge:
    """Comments of one PR/MR kept in memory; GitHub pages with Link headers, GitLab with X-Next-Page."""

    def __init__(self, page_size: int = 2):
        self.comments: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.page_size = page_size
        self.fail_with: int | None = None
        self.next_id = 100

    def add(self, body: str, author: str = "github-actions[bot]") -> int:
        self.next_id += 1
        self.comments.append(
            {"id": self.next_id, "body": body, "user": {"login": author}, "author": {"username": author}}
        )
        return self.next_id


def serve(forge: FakeForge):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, code: int, doc, headers: dict | None = None) -> None:
            raw = json.dumps(doc).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def handle_any(self, method: str) -> None:
            forge.requests.append((method, self.path))
            auth = self.headers.get("Authorization") or self.headers.get("PRIVATE-TOKEN")
            if forge.fail_with or auth not in ("Bearer s3cret", "s3cret"):
                self.reply(forge.fail_with or 401, {"message": "Resource not accessible by integration"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            url = urlparse(self.path)
            query = parse_qs(url.query)
            parts = url.path.strip("/").split("/")
            if method == "GET":
                page = int(query.get("page", ["1"])[0])
                items = forge.comments[(page - 1) * forge.page_size : page * forge.page_size]
                more = page * forge.page_size < len(forge.comments)
                headers = {}
                if more:
                    nxt = f"http://{self.headers['Host']}{url.path}?per_page=100&page={page + 1}"
                    headers = {"Link": f'<{nxt}>; rel="next"', "X-Next-Page": str(page + 1)}
                self.reply(200, items, headers)
            elif method == "POST":
                self.reply(201, {"id": forge.add(body["body"])})
            else:  # PATCH (GitHub) or PUT (GitLab): the id is the last path part
                comment_id = int(parts[-1])
                for c in forge.comments:
                    if c["id"] == comment_id:
                        c["body"] = body["body"]
                self.reply(200, {"id": comment_id})

        def do_GET(self):  # noqa: N802
            self.handle_any("GET")

        def do_POST(self):  # noqa: N802
            self.handle_any("POST")

        def do_PATCH(self):  # noqa: N802
            self.handle_any("PATCH")

        def do_PUT(self):  # noqa: N802
            self.handle_any("PUT")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def forge():
    fake = FakeForge()
    server = serve(fake)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()


def markdown(tmp_path: Path, *, dev_changes: bool, prod_changes: bool, tag: str = "z") -> Path:
    def stack(name: str, changed: bool) -> StackReport:
        old = state("kubernetes:core/v1:Namespace", "ns", {"metadata": {"labels": {"t": "a"}}})
        new = state("kubernetes:core/v1:Namespace", "ns", {"metadata": {"labels": {"t": tag if changed else "a"}}})
        docs = [json.loads(json.dumps(plan(x)).replace("urn:pulumi:dev::", f"urn:pulumi:{name}::")) for x in (old, new)]
        return StackReport(diff_plans(*docs), edges=[])

    path = tmp_path / "diff.md"
    path.write_text(render_markdown([stack("dev", dev_changes), stack("prod", prod_changes)]))
    return path


def post(forge: FakeForge, path: Path, *extra: str, monkeypatch=None) -> int:
    return cli.main(["comment", str(path), "--github", "acme/infra", "--number", "7", "--api", forge.url, *extra])


def test_one_comment_per_stack_edited_in_place(forge, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret")
    forge.add("an unrelated review comment", author="alice")
    forge.add("another one", author="bob")
    first = markdown(tmp_path, dev_changes=True, prod_changes=False)
    assert post(forge, first) == 0
    bodies = [c["body"] for c in forge.comments]
    assert len(bodies) == 3, "dev gets a comment; prod has no changes and no earlier comment: nothing posted"
    dev_id = forge.comments[2]["id"]
    assert bodies[2].startswith("<!-- plinth:diff stack=dev -->")

    second = markdown(tmp_path, dev_changes=True, prod_changes=True, tag="b")
    assert post(forge, second) == 0
    assert len(forge.comments) == 4 and forge.comments[2]["id"] == dev_id, "dev's comment is edited, prod's is new"
    assert '"b"' in forge.comments[2]["body"] and forge.comments[3]["body"].startswith("<!-- plinth:diff stack=prod")
    assert ("PATCH", f"/repos/acme/infra/issues/comments/{dev_id}") in forge.requests
    assert any("page=2" in path for _, path in forge.requests), "every page of comments is read"

    third = markdown(tmp_path, dev_changes=False, prod_changes=False)
    assert post(forge, third) == 0
    assert len(forge.comments) == 4, "no new comments"
    assert all("no changes" in c["body"] for c in forge.comments[2:]), "earlier comments now say: no changes"
    assert "dev: updated" in capsys.readouterr().err


def test_only_the_bots_comments_are_edited(forge, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret")
    forge.add("<!-- plinth:diff stack=dev -->\npasted by someone", author="mallory")
    assert post(forge, markdown(tmp_path, dev_changes=True, prod_changes=False), "--author", "github-actions[bot]") == 0
    assert forge.comments[0]["body"].endswith("pasted by someone"), "another user's comment is left alone"
    assert len(forge.comments) == 2


def test_gitlab_notes(forge, tmp_path, monkeypatch):
    monkeypatch.setenv("GITLAB_TOKEN", "s3cret")
    args = ["comment", str(markdown(tmp_path, dev_changes=True, prod_changes=False)), "--gitlab", "grp/infra"]
    assert cli.main([*args, "--number", "3", "--api", forge.url]) == 0
    assert ("POST", "/projects/grp%2Finfra/merge_requests/3/notes") in forge.requests
    assert cli.main([*args, "--number", "3", "--api", forge.url]) == 0
    assert len(forge.comments) == 1, "the second run finds the note and leaves it (same body)"


def test_failures_are_one_line(forge, tmp_path, monkeypatch, capsys):
    path = markdown(tmp_path, dev_changes=True, prod_changes=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert post(forge, path) == 2
    assert "GITHUB_TOKEN: not set" in capsys.readouterr().err
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret")
    forge.fail_with = 403
    assert post(forge, path) == 2
    err = capsys.readouterr().err
    assert "HTTP 403" in err and "Resource not accessible by integration" in err and "Traceback" not in err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    code = cli.main(["comment", str(path), "--github", "a/b", "--number", "7", "--api", f"http://127.0.0.1:{closed}"])
    assert code == 2 and "cannot reach the server" in capsys.readouterr().err
    empty = tmp_path / "empty.md"
    empty.write_text("")
    forge.fail_with = None
    assert post(forge, empty) == 0, "no stack touched: nothing to post"
    assert cli.main(["comment", str(tmp_path / "nope.md"), "--github", "a/b", "--number", "1"]) == 2
