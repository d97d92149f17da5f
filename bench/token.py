#!/usr/bin/env python3
"""Mints a Papers access token (HS256 JWT, as the server issues them) for a user id.

    token.py SECRET USER_ID
"""
import base64, hashlib, hmac, json, sys, time


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


secret, user_id = sys.argv[1], sys.argv[2]
now = int(time.time())
header = {"alg": "HS256", "typ": "JWT"}
claims = {"sub": user_id, "iat": now, "exp": now + 15 * 60, "iss": "papers", "aud": "papers-api", "typ": "access"}
signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
print(f"{signing_input}.{b64(signature)}")
