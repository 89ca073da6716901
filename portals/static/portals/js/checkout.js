// Portal checkout: the card fields show only when paying by card.
(function () {
    var cardFields = document.getElementById("card_fields");
    if (!cardFields) return;
    function sync() {
        var card = document.getElementById("pay_card");
        cardFields.style.display = card && card.checked ? "" : "none";
    }
    document.querySelectorAll("input[name=payment_method]").forEach(function (el) {
        el.addEventListener("change", sync);
    });
    sync();
})();
