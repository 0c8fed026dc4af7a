"""Keep one comment per stack on a pull request (GitHub) or merge request (GitLab), edited in place.

``plinth diff --format markdown`` writes one section per stack, each starting with a hidden marker
(:func:`scripts.diff.render.marker`). :func:`upsert` finds, for each section, the comment that starts
with the same marker and replaces its body; a stack that has no comment yet gets a new one - unless
it has no changes (a "no changes" line is only written over an earlier comment, never added as noise).

Only comments by ``author`` are edited when it is given (the CI bot's login), so a marker pasted into
someone else's comment is never a way to have the bot rewrite it.

HTTP with the standard library; every failure is one line naming the server and what failed.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Iterator

from scripts.console import PlinthError
from scripts.diff.render import NO_CHANGES, marker
from scripts.findings import GITHUB_COMMENT_LIMIT

TIMEOUT = 30
PAGE_SIZE = 100
MAX_PAGES = 50


class ForgeError(PlinthError):
    """The forge (GitHub, GitLab) could not be reached or refused a request: exit 2."""


@dataclass
class Comment:
    id: int
    body: str
    author: str


class Forge:
    """A code host's comments on one pull/merge request."""

    def __init__(self, api: str, token: str, *, user_agent: str = "plinth"):
        self.api = api.rstrip("/")
        self.token = token
        self.user_agent = user_agent

    # -- HTTP -------------------------------------------------------------------------------
    def headers(self) -> dict[str, str]:
        raise NotImplementedError

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[Any, dict[str, str]]:
        url = path if path.startswith("http") else f"{self.api}{path}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers=self.headers())
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310 - the API URL is the user's
                raw = response.read()
                return (json.loads(raw) if raw else None), dict(response.headers.items())
        except urllib.error.HTTPError as err:
            detail = err.read(500).decode(errors="replace")
            raise ForgeError(f"{method} {url}: HTTP {err.code} {err.reason}: {_message(detail)}") from err
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise ForgeError(f"{self.api}: cannot reach the server: {reason}") from err
        except json.JSONDecodeError as err:
            raise ForgeError(f"{method} {url}: the answer is not JSON") from err

    # -- comments ---------------------------------------------------------------------------
    def comments(self) -> Iterator[Comment]:
        raise NotImplementedError

    def create(self, body: str) -> int:
        raise NotImplementedError

    def update(self, comment_id: int, body: str) -> None:
        raise NotImplementedError


def _message(detail: str) -> str:
    try:
        doc = json.loads(detail)
    except json.JSONDecodeError:
        return " ".join(detail.split())[:200] or "no detail"
    return str(doc.get("message") or doc.get("error") or doc)[:200] if isinstance(doc, dict) else str(doc)[:200]


class GitHub(Forge):
    """``/repos/{owner}/{repo}/issues/{number}/comments`` (a pull request is an issue for comments)."""

    def __init__(self, api: str, token: str, repo: str, number: int):
        super().__init__(api, token)
        self.repo, self.number = repo, number

    def headers(self) -> dict[str, str]:
        return {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": self.user_agent,
        }

    def comments(self) -> Iterator[Comment]:
        url: str | None = f"/repos/{self.repo}/issues/{self.number}/comments?per_page={PAGE_SIZE}"
        for _ in range(MAX_PAGES):
            if url is None:
                return
            items, headers = self.request("GET", url)
            for item in items or []:
                yield Comment(int(item["id"]), item.get("body") or "", (item.get("user") or {}).get("login", ""))
            url = _next_link(headers.get("Link") or headers.get("link") or "")

    def create(self, body: str) -> int:
        item, _ = self.request("POST", f"/repos/{self.repo}/issues/{self.number}/comments", {"body": body})
        return int(item["id"])

    def update(self, comment_id: int, body: str) -> None:
        self.request("PATCH", f"/repos/{self.repo}/issues/comments/{comment_id}", {"body": body})


class GitLab(Forge):
    """``/projects/{id}/merge_requests/{iid}/notes``."""

    def __init__(self, api: str, token: str, project: str, iid: int):
        super().__init__(api, token)
        self.project, self.iid = urllib.parse.quote(project, safe=""), iid

    def headers(self) -> dict[str, str]:
        return {"PRIVATE-TOKEN": self.token, "User-Agent": self.user_agent}

    def _base(self) -> str:
        return f"/projects/{self.project}/merge_requests/{self.iid}/notes"

    def comments(self) -> Iterator[Comment]:
        for page in range(1, MAX_PAGES + 1):
            items, headers = self.request("GET", f"{self._base()}?per_page={PAGE_SIZE}&page={page}")
            for item in items or []:
                yield Comment(int(item["id"]), item.get("body") or "", (item.get("author") or {}).get("username", ""))
            if not headers.get("X-Next-Page") and not headers.get("x-next-page"):
                return

    def create(self, body: str) -> int:
        item, _ = self.request("POST", self._base(), {"body": body})
        return int(item["id"])

    def update(self, comment_id: int, body: str) -> None:
        self.request("PUT", f"{self._base()}/{comment_id}", {"body": body})


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part and ">" in part:
            return part[part.index("<") + 1 : part.index(">")]
    return None


@dataclass
class Action:
    stack: str
    action: str  # "created" | "updated" | "unchanged" | "skipped"
    comment_id: int | None = None


def upsert(forge: Forge, sections: list[tuple[str, str]], *, author: str = "") -> list[Action]:
    """Create or edit one comment per ``(stack, body)`` section (see the module docstring)."""
    for stack, body in sections:
        if len(body) > GITHUB_COMMENT_LIMIT:
            raise ForgeError(f"the comment of stack {stack} has {len(body):,} characters; the limit is 65,536")
    existing: dict[str, Comment] = {}
    for comment in forge.comments():
        if author and comment.author != author:
            continue
        for stack, _ in sections:
            if comment.body.startswith(marker(stack)) and stack not in existing:
                existing[stack] = comment
    actions = []
    for stack, body in sections:
        found = existing.get(stack)
        if found is not None:
            if found.body.strip() == body.strip():
                actions.append(Action(stack, "unchanged", found.id))
            else:
                forge.update(found.id, body)
                actions.append(Action(stack, "updated", found.id))
        elif NO_CHANGES in body:
            actions.append(Action(stack, "skipped"))
        else:
            actions.append(Action(stack, "created", forge.create(body)))
    return actions
