"""Answers the offline engine gives to the data sources (invokes) Plinth's components call.

A real preview asks the cloud; offline there is no cloud, so each answer is derived only from the
call's own arguments, exactly as the provider would compute it, and documented here. A data source
without an entry is refused with a message naming it (the program must take the value from config).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

Answer = Callable[[Mapping[str, Any]], dict[str, Any]]


def _gcs_service_agent(args: Mapping[str, Any]) -> dict[str, Any]:
    """The Cloud Storage service agent of a project is ``service-<project number>@gs-project-accounts...``
    (https://cloud.google.com/storage/docs/projects#service-agents). Offline the project must be given
    by number, which the storage API accepts as well as the id."""
    project = str(args.get("project") or "")
    if not re.fullmatch(r"\d{6,20}", project):
        raise LookupError(
            f"getProjectServiceAccount(project={project!r}): offline the project must be given by number "
            "(the service agent's address is derived from it)"
        )
    email = f"service-{project}@gs-project-accounts.iam.gserviceaccount.com"
    return {"emailAddress": email, "member": f"serviceAccount:{email}", "project": project, "id": email}


def _transfer_service_agent(args: Mapping[str, Any]) -> dict[str, Any]:
    """The Storage Transfer Service agent of a project is ``project-<project number>@storage-transfer-service...``
    (https://cloud.google.com/storage-transfer/docs/iam-cloud#google-managed). Offline the project must be
    given by number."""
    project = str(args.get("project") or "")
    if not re.fullmatch(r"\d{6,20}", project):
        raise LookupError(
            f"getTransferProjectServiceAccount(project={project!r}): offline the project must be given by number "
            "(the service agent's address is derived from it)"
        )
    email = f"project-{project}@storage-transfer-service.iam.gserviceaccount.com"
    return {"email": email, "member": f"serviceAccount:{email}", "project": project, "id": email}


ANSWERS: dict[str, Answer] = {
    "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": _gcs_service_agent,
    "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount": _transfer_service_agent,
}


def answer(token: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The offline answer to data source ``token``; LookupError when there is none."""
    handler = ANSWERS.get(token)
    if handler is None:
        raise LookupError(
            f"the program called the data source {token}; the offline engine cannot query a cloud. "
            "Take that value from stack config instead."
        )
    return handler(args)
