# The caching proxy between nginx and the web servers (docs/operations.md, "公開ページのキャッシュ").
# It keeps what the application marks `Cache-Control: public` (anonymous public pages only,
# pagecache/middleware.py) and passes everything else. On every change that reaches the public
# the application sends `PURGE /` (Wagtail's frontend cache, pagecache/proxy.py): a purge bans
# every object whose path starts with the purged path, so the site root clears the whole site.
# tests/cache/test_proxy_config.py reads this file, and compiles and runs it when varnishd is there.
vcl 4.1;

# nginx's internal server, which spreads requests across the web replicas (a Varnish backend must
# resolve to one address; "web" resolves to one per replica).
backend default {
    .host = "nginx";
    .port = "8080";
}

# The application's containers; nginx is in this network too and refuses PURGE from outside.
acl purgers {
    "localhost";
    "127.0.0.1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        ban("obj.http.x-url ~ ^" + req.url);
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed in, or a message waiting: the application answers for this person alone.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(__Host-sessionid|sessionid|messages)=") {
        return (pass);
    }
    # Anonymous pages are the same for everyone: one copy, whatever cookies or languages.
    unset req.http.Cookie;
    set req.http.Accept-Language = "ja";
    return (hash);
}

sub vcl_backend_response {
    # Kept on the object for the bans above (lurker-friendly: no req.* in a ban).
    set beresp.http.x-url = bereq.url;
    if (beresp.http.Cache-Control !~ "public" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    unset resp.http.x-url;
    if (obj.hits > 0) {
        set resp.http.X-Proxy-Cache = "hit";
    } else {
        set resp.http.X-Proxy-Cache = "miss";
    }
}
