# Shared by the benchmark scripts (sourced, not run).

# Waits until witan on 127.0.0.1:PORT answers and its search index is complete: a new store's
# index is built in the background, and measuring before it is done would measure the build.
# Fails after about half an hour (an index that never completes).
witan_ready() {
    local port="$1"
    for _ in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
        sleep 0.1
    done
    for _ in $(seq 1 18000); do
        curl -sf "http://127.0.0.1:$port/api/v1/search?q=budget" | grep -q '"complete":true' && return
        sleep 0.1
    done
    echo "the search index on port $port never completed" >&2
    return 1
}

# Writes WORK/nginx.conf: nginx (two workers, no access log) serving the files of ROOT as HTML
# on 127.0.0.1:PORT, with its pid and error log in WORK. Start it with
# `nginx -c WORK/nginx.conf -p WORK &`.
nginx_conf() {
    local work="$1" root="$2" port="$3"
    cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$port;
        root $root;
        default_type text/html;
    }
}
CONF
}
