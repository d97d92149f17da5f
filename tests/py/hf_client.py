"""Drives the real huggingface_hub client against a Papers server and prints what it read.

Usage: hf_client.py ENDPOINT DAY WEEK MONTH ARXIV_ID SEARCH_WORDS
"""

import json
import sys

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

endpoint, day, week, month, arxiv_id, words = sys.argv[1:7]
api = HfApi(endpoint=endpoint, token=False)


def brief(paper):
    return {
        "id": paper.id,
        "title": paper.title,
        "summary": paper.summary,
        "authors": [author.name for author in paper.authors or []],
        "author_users": [author.user.username if author.user else None for author in paper.authors or []],
        "upvotes": paper.upvotes,
        "comments": paper.comments,
        "submitted_by": paper.submitted_by.username if paper.submitted_by else None,
        "published_at": paper.published_at.isoformat() if paper.published_at else None,
        "submitted_at": paper.submitted_at.isoformat() if paper.submitted_at else None,
        "discussion_id": paper.discussion_id,
        "github_repo": paper.github_repo,
    }


def ids(papers):
    return [paper.id for paper in papers]


out = {
    "day": [brief(p) for p in api.list_daily_papers(date=day)],
    "week": ids(api.list_daily_papers(week=week)),
    "month": ids(api.list_daily_papers(month=month)),
    "trending": ids(api.list_daily_papers(date=day, sort="trending")),
    "page0": ids(api.list_daily_papers(date=day, limit=2, p=0)),
    "page1": ids(api.list_daily_papers(date=day, limit=2, p=1)),
    "submitter": ids(api.list_daily_papers(date=day, submitter="ada")),
    "info": brief(api.paper_info(arxiv_id)),
    "search": ids(api.list_papers(query=words, limit=5)),
    "markdown": api.read_paper(arxiv_id),
}
try:
    api.read_paper("2101.99999")
    out["unknown_markdown"] = 200
except HfHubHTTPError as error:
    out["unknown_markdown"] = error.response.status_code
try:
    api.paper_info("2101.99999")
    out["unknown"] = 200
except HfHubHTTPError as error:
    out["unknown"] = error.response.status_code
try:
    list(api.list_daily_papers(date="yesterday"))
    out["bad_date"] = 200
except HfHubHTTPError as error:
    out["bad_date"] = error.response.status_code
print(json.dumps(out))
