<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Workshop: {{ len (service "workshop") }} healthy avatars</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; background: #f6f7f9; color: #1d2330; }
  h1 { font-size: 1.4rem; }
  .tiles { display: flex; flex-wrap: wrap; gap: 1rem; }
  .tile { margin: 0; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; padding: 1rem; width: 10rem; text-align: center; }
  .tile img { width: 8rem; height: 8rem; border-radius: 50%; }
  .empty { color: #a33; }
</style>
</head>
<body>
<h1>Healthy workshop instances: {{ len (service "workshop") }}</h1>
<div class="tiles">
{{- range service "workshop" }}
  <figure class="tile" data-id="{{ .ID }}">
    <img src="/instances/{{ .ID }}/avatar" alt="{{ .ServiceMeta.account | html }}">
    <figcaption>{{ .ServiceMeta.account | html }}<br><small>{{ .Address }}:{{ .Port }}</small></figcaption>
  </figure>
{{- else }}
  <p class="empty">No healthy instance right now.</p>
{{- end }}
</div>
<script>
  // The page is a static file census template rewrites; follow it without reloading.
  setInterval(async () => {
    try {
      const res = await fetch(location.pathname, { cache: "no-store" });
      if (!res.ok) return;
      const next = new DOMParser().parseFromString(await res.text(), "text/html");
      for (const sel of ["h1", ".tiles"]) {
        const now = document.querySelector(sel);
        const then = next.querySelector(sel);
        if (now && then && now.outerHTML !== then.outerHTML) now.replaceWith(then);
      }
      document.title = next.title;
      // An avatar asked for before nginx's reload knew its instance: ask again.
      for (const img of document.querySelectorAll(".tile img")) {
        if (img.complete && img.naturalWidth === 0) img.src = img.getAttribute("src").split("?")[0] + "?retry=" + Date.now();
      }
    } catch {
      // nginx is reloading or gone: try again next time
    }
  }, 1000);
</script>
</body>
</html>
