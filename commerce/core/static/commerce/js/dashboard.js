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
        load(script.getAttribute("data-tinymce"), function () {
            load(script.getAttribute("data-jquery-tinymce"), function () {
                var queued = waiting;
                waiting = [];
                queued.forEach(function (run) { run(); });
            });
        });
        return $fields;
    };
})();
