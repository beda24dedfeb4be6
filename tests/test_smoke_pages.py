def test_home_lists_the_four_themes(client):
    page = client.get("/").get_data(as_text=True)
    for name in ("Choisir un métier", "Se former", "Préparer sa candidature", "Trouver un emploi"):
        assert name in page
