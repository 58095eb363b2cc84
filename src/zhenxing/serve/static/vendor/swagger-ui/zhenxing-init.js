// Starts Swagger UI on /docs. A file, not an inline script, so the
// Content-Security-Policy (script-src 'self') needs no exception.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
