// Behaviour both sites attach here instead of inline handlers (the
// Content-Security-Policy allows no inline script).
document.addEventListener("change", function (event) {
    // A <select data-autosubmit> sends its form as soon as it changes.
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
        target.form.submit();
    }
});
document.addEventListener("click", function (event) {
    // A link or button with data-print prints the page.
    var target = event.target.closest && event.target.closest("[data-print]");
    if (target) {
        event.preventDefault();
        window.print();
    }
});
document.addEventListener("click", function (event) {
    // "Cancel" links of Oscar's forms go back one page.
    var link = event.target.closest && event.target.closest("a[data-history-back]");
    if (link) {
        event.preventDefault();
        window.history.go(-1);
    }
});
