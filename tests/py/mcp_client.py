"""Drives the real MCP Python SDK's client against a Papers server's /mcp and prints what it saw.

Usage: mcp_client.py MCP_URL ARXIV_ID COLLECTION_SLUG OTHERS_SLUG READ_TOKEN WRITE_TOKEN
"""

import asyncio
import json
import sys

from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

url, arxiv_id, slug, others_slug, read_token, write_token = sys.argv[1:7]


def client(token=None, mode="auto"):
    if token is None:
        return Client(url, mode=mode)
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    return Client(streamable_http_client(url, http_client=http), mode=mode)


def result(res):
    return {
        "is_error": bool(res.is_error),
        "text": "\n".join(block.text for block in res.content if block.type == "text"),
        "structured": res.structured_content,
    }


async def tools(c):
    listed = await c.list_tools()
    return {tool.name: tool.input_schema for tool in listed.tools}


async def main():
    out = {}
    async with client() as c:
        out["protocol"] = c._session.protocol_version
        out["anonymous_tools"] = await tools(c)
        calls = {
            "search_papers": {"query": "zebra stripes", "limit": 5},
            "daily_papers": {"date": "2025-02-26", "limit": 10},
            "get_paper": {"arxiv_id": arxiv_id},
            "similar_papers": {"arxiv_id": arxiv_id, "limit": 3},
            "get_comments": {"arxiv_id": arxiv_id, "limit": 1},
            "get_collection": {"slug": slug},
        }
        out["calls"] = {name: result(await c.call_tool(name, args)) for name, args in calls.items()}
        cursor = out["calls"]["get_comments"]["structured"]["nextCursor"]
        out["comments_next"] = result(
            await c.call_tool("get_comments", {"arxiv_id": arxiv_id, "limit": 1, "cursor": cursor})
        )
        bad = {
            "limit": ("search_papers", {"query": "zebra", "limit": 1000}),
            "negative_limit": ("daily_papers", {"limit": -1}),
            "unknown_argument": ("get_paper", {"arxiv_id": arxiv_id, "verbose": True}),
            "missing_argument": ("get_paper", {}),
            "unknown_paper": ("get_paper", {"arxiv_id": "2101.99999"}),
            "bad_date": ("daily_papers", {"date": "yesterday"}),
            "bad_mode": ("search_papers", {"query": "zebra", "mode": "psychic"}),
            "long_query": ("search_papers", {"query": "z" * 1001}),
            "bad_cursor": ("get_comments", {"arxiv_id": arxiv_id, "cursor": "garbage"}),
            "private_collection": ("get_collection", {"slug": others_slug}),
            "write_tool": ("upvote_paper", {"arxiv_id": arxiv_id}),
            "unknown_tool": ("drop_tables", {}),
        }
        out["errors"] = {key: result(await c.call_tool(name, args)) for key, (name, args) in bad.items()}
    async with client(mode="legacy") as c:
        out["legacy_protocol"] = c._session.protocol_version
        out["legacy_tools"] = sorted((await tools(c)).keys())
    async with client(read_token) as c:
        out["read_tools"] = sorted((await tools(c)).keys())
        out["read_upvote"] = result(await c.call_tool("upvote_paper", {"arxiv_id": arxiv_id}))
    async with client(write_token) as c:
        out["write_tools"] = sorted((await tools(c)).keys())
        out["write"] = {
            "upvote": result(await c.call_tool("upvote_paper", {"arxiv_id": arxiv_id})),
            "upvote_again": result(await c.call_tool("upvote_paper", {"arxiv_id": arxiv_id})),
            "comment": result(
                await c.call_tool("add_comment", {"arxiv_id": arxiv_id, "body": "Via **MCP**."})
            ),
            "empty_comment": result(await c.call_tool("add_comment", {"arxiv_id": arxiv_id, "body": "  "})),
            "collect": result(
                await c.call_tool("add_to_collection", {"slug": slug, "arxiv_id": arxiv_id, "note": "Read first."})
            ),
            "others_collection": result(
                await c.call_tool("add_to_collection", {"slug": others_slug, "arxiv_id": arxiv_id})
            ),
        }
        first = out["write"]["comment"]["structured"] or {}
        out["write"]["reply"] = result(
            await c.call_tool(
                "add_comment",
                {"arxiv_id": arxiv_id, "body": "A reply.", "parent_id": first.get("id", "none")},
            )
        )
    print(json.dumps(out))


asyncio.run(main())
