namespace Procedures.Contract.Tests;

/// <summary>A small OpenAPI 3.1 document with what the handler must tell apart: a parameter and a literal segment on the
/// same level, a status with a JSON schema and one with problem details, a nested component reference.</summary>
internal static class TinyDocument
{
    public const string Json = """
        {
          "openapi": "3.1.1",
          "info": { "title": "tiny", "version": "v1" },
          "paths": {
            "/api/v1/items/{id}": {
              "get": {
                "operationId": "GetItem", "summary": "One item",
                "responses": {
                  "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } },
                  "404": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/items/search": {
              "get": {
                "operationId": "SearchItems", "summary": "Search",
                "responses": {
                  "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } } } } },
                  "4XX": { "$ref": "#/components/responses/Problem" }
                }
              }
            },
            "/api/v1/items": {
              "post": {
                "operationId": "AddItem", "summary": "Add",
                "responses": { "201": { "description": "Created" }, "default": { "$ref": "#/components/responses/Problem" } }
              }
            }
          },
          "components": {
            "responses": {
              "Problem": { "description": "Problem", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
            },
            "schemas": {
              "Item": {
                "type": "object", "required": [ "id", "name", "tag" ],
                "properties": {
                  "id": { "type": "string" }, "name": { "type": "string" }, "tag": { "$ref": "#/components/schemas/Tag" },
                  "note": { "oneOf": [ { "type": "null" }, { "$ref": "#/components/schemas/Tag" } ] },
                  "level": { "oneOf": [ { "type": "null" }, { "$ref": "#/components/schemas/Level" } ] }
                }
              },
              "Level": { "enum": [ "commune", "province", null ] },
              "Tag": { "type": "object", "required": [ "label" ], "properties": { "label": { "type": "string", "maxLength": 8 } } },
              "Problem": { "type": "object", "required": [ "type", "title" ], "properties": { "type": { "type": "string" }, "title": { "type": "string" } } }
            }
          }
        }
        """;
}
