{{- /* nginx site for the workshop, rendered by `census template` from the catalog. */ -}}
# Rendered by census template from the catalog: every healthy "workshop" instance.
{{- $instances := service "workshop" }}
{{- if $instances }}
upstream workshop {
{{- range $instances }}
    server {{ .Address }}:{{ .Port }} max_fails=1 fail_timeout=2s; # {{ .ID }} on {{ .Node }}
{{- end }}
}
{{- end }}

server {
    listen {{ env "WORKSHOP_NGINX_LISTEN" }};
    root {{ env "WORKSHOP_NGINX_ROOT" }};

    location = / {
        try_files /index.html =404;
        add_header Cache-Control "no-store";
    }

    location = /user {
{{- if $instances }}
        proxy_pass http://workshop/user;
        # An instance that just died is skipped: the request goes to the next one.
        proxy_next_upstream error timeout http_502 http_503;
        proxy_connect_timeout 1s;
{{- else }}
        default_type application/json;
        return 503 '{"error":"no healthy workshop instance"}';
{{- end }}
    }

    location = /health {
        stub_status;
    }
{{ range $instances }}
    # The tile of {{ .ID }}, served through nginx from that instance.
    location /instances/{{ .ID }}/ {
        proxy_pass http://{{ .Address }}:{{ .Port }}/;
    }
{{- end }}
}
