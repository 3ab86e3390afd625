"""The JSON API (/api/v1) for other channels — a WeChat mini-program, the 12345 hotline system — over the
same services as the web pages, described by the OpenAPI document at /api/v1/openapi.json."""
