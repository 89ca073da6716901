// Quick order: SKU suggestions while typing, and more rows on demand.
(function () {
    var list = document.getElementById("sku_suggestions");
    var rows = document.getElementById("grid_rows");
    if (!list || !rows) return;
    var suggestUrl = rows.getAttribute("data-suggest-url");
    var timer = null;
    rows.addEventListener("input", function (event) {
        if (!event.target.classList.contains("sku-input")) return;
        var q = event.target.value;
        clearTimeout(timer);
        if (q.length < 2) return;
        timer = setTimeout(function () {
            fetch(suggestUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
                .then(function (r) { return r.json(); })
                .then(function (data) {
                    list.innerHTML = "";
                    data.results.forEach(function (item) {
                        var option = document.createElement("option");
                        option.value = item.sku;
                        option.label = item.title + (item.price ? " — " + item.price : "");
                        list.appendChild(option);
                    });
                });
        }, 200);
    });
    document.getElementById("add_rows").addEventListener("click", function () {
        for (var i = 0; i < 5; i++) {
            rows.appendChild(rows.rows[0].cloneNode(true));
            rows.lastChild.querySelectorAll("input").forEach(function (el) { el.value = ""; });
        }
    });
})();
