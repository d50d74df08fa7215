<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="2">
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
</body>
</html>
