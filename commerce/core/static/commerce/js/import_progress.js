// Dashboard import page: follow a running import, reload when it is done.
(function () {
    var bar = document.getElementById("job_progress");
    if (!bar || !bar.getAttribute("data-progress-url")) return;
    var url = bar.getAttribute("data-progress-url");
    (function poll() {
        fetch(url, {credentials: "same-origin"})
            .then(function (r) { return r.json(); })
            .then(function (data) {
                if (!data.running) { window.location.reload(); return; }
                var pct = data.total ? Math.floor(100 * data.processed / data.total) : 5;
                bar.style.width = pct + "%";
                document.getElementById("job_counts").textContent =
                    data.processed + (data.total ? " / " + data.total : "") + " rows";
                setTimeout(poll, 1000);
            })
            .catch(function () { setTimeout(poll, 3000); });
    })();
})();
