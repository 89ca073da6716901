// Dashboard behaviour attached here instead of Oscar's inline handlers (the
// Content-Security-Policy allows no inline script).
(function () {
    // Image preview of a product image form: hide the upload button once the
    // preview shows, show it again (and say so) when the file is not an image.
    document.addEventListener("load", function (event) {
        var img = event.target;
        if (img.tagName === "IMG" && img.hasAttribute("data-upload-button")) {
            var button = document.getElementById(img.getAttribute("data-upload-button"));
            if (button) button.style.display = "none";
        }
    }, true);
    document.addEventListener("error", function (event) {
        var img = event.target;
        if (img.tagName === "IMG" && img.hasAttribute("data-upload-button") && img.getAttribute("src")) {
            var button = document.getElementById(img.getAttribute("data-upload-button"));
            if (button) button.style.display = "";
            window.alert(img.getAttribute("data-unrecognised"));
        }
    }, true);
    // "Cancel" links of Oscar's forms go back one page.
    document.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a[data-history-back]");
        if (link) {
            event.preventDefault();
            window.history.go(-1);
        }
    });
})();
// Oscar's order page calls oscar.dashboard.orders.initTable(), which Oscar's
// own dashboard.js no longer defines; without it the page-load script stopped
// with a TypeError before the rest of it ran.
(function () {
    var orders = window.oscar && window.oscar.dashboard && window.oscar.dashboard.orders;
    if (orders && typeof orders.initTable !== "function") {
        orders.initTable = function () {};
    }
})();
// TinyMCE is large; it is fetched the first time a page asks for an editor
// ($(...).tinymce(config), as Oscar's dashboard.js does for rich-text fields).
(function () {
    var $ = window.jQuery;
    var script = document.getElementById("dashboard_script");
    if (!$ || !script || $.fn.tinymce) return;
    function load(src, done) {
        var tag = document.createElement("script");
        tag.src = src;
        tag.onload = done;
        document.head.appendChild(tag);
    }
    var waiting = null;
    $.fn.tinymce = function (config) {
        var $fields = this;
        // TinyMCE is used under its GPL licence (it warns in the console otherwise).
        config = $.extend({license_key: "gpl"}, config);
        if (!$fields.length) return $fields;
        if (waiting) {
            waiting.push(function () { $fields.tinymce(config); });
            return $fields;
        }
        waiting = [function () { $fields.tinymce(config); }];
        function fetch() {
            load(script.getAttribute("data-tinymce"), function () {
                load(script.getAttribute("data-jquery-tinymce"), function () {
                    var queued = waiting;
                    waiting = [];
                    queued.forEach(function (run) { run(); });
                });
            });
        }
        // After the page's own load: the form is usable (a plain textarea)
        // while the editor arrives.
        if (document.readyState === "complete") fetch();
        else window.addEventListener("load", fetch, {once: true});
        return $fields;
    };
})();
// Names for controls Oscar's scripts create without one (screen readers read
// them out): the "select all" box of bulk actions and the search box of
// select2 fields; and Oscar's hourly bar chart, a <dl> of <dd>s only, is
// announced as the list it is.
(function () {
    function labelFor(select) {
        var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
        return label ? label.textContent.trim() : "Search";
    }
    function name() {
        document.querySelectorAll('input[name="select_all"]:not([aria-label])').forEach(function (box) {
            box.setAttribute("aria-label", "Select all on this page");
        });
        document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
            var container = field.closest(".select2-container");
            field.setAttribute("aria-label", labelFor(container && container.previousElementSibling));
        });
        document.querySelectorAll("dl.bar-chart:not([role])").forEach(function (chart) {
            chart.setAttribute("role", "list");
            chart.querySelectorAll("dd").forEach(function (bar) { bar.setAttribute("role", "listitem"); });
        });
    }
    document.addEventListener("DOMContentLoaded", function () {
        name();
        new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
    });
})();
