"""Words the benchmark data set is made of.

Names are drawn with Zipf-like weights, most common first, so that some
fragments ("son", "mar") match a large share of customers, as in a real
register of people, and others match few.
"""

from roster.core import demo

FIRST_NAMES = (
    "James Maria Anna John Sofia David Emma Michael Laura Peter Sarah Thomas "
    "Julia Daniel Elena Mark Lucia Paul Hannah Andrew Marta Robert Chloé "
    "Martin Ingrid Lars Amélie Søren Björn José Zoë Łukasz Émile Fatima "
    "Hiroshi Inès Jürgen Kateřina Liam Noël Oğuz Priya Quentin Renée Siobhán "
    "Tomás Ugo Verónica Wojciech Xóchitl Yusuf Zsófia Aiden Freya Gustav Hana "
    "Ivan Jonas Kemal Lena Mateo Nora Olivia Ravi Mei Kwame Aroha Nils Dagný"
).split()

LAST_NAMES = (
    "Smith Johnson Müller García Andersson Nguyễn Martin Hansen Rossi Larsen "
    "Jensen Wilson Fernández Thompson Kowalski Nilsson Dubois Murphy Schäfer "
    "Sánchez Robinson Jackson Petersen O'Brien Dvořák Øvergaard Johansson "
    "Öztürk Novák Kelly Hughes Ferreira Jansen Wójcik Brennan Moreau Horváth "
    "Harrison Peña Lefèvre Nakamura Patel Costa Byrne Fischer Eriksson "
    "Magnusson Svensson Berger Lindberg Marino Romano Bauer Weber Morales "
    "Castillo Ortiz Kim Park Chen Wang Singh Kumar Haddad Mensah Okafor "
    "Ivanova Petrova Kovačević Popescu Yılmaz Schmidt Becker Hoffmann Richter "
    "Gallagher Walsh Quinn Súilleabháin MacAodha Åberg Strauß Großmann"
).split()

COMPANY_WORDS = (
    "Acme Nordlys Lumière Forge Brightwater Kraków Cedar Ørsted Atlas Fjord "
    "Meridian Café Quill Harbour Zenith Bramble Über Copper Tern Saffron "
    "Mason Harbinger Marlow Anson Bergamot Lindqvist Solstice Tamarind"
).split()
COMPANY_KINDS = ("Ltd", "GmbH", "SARL", "ApS", "& Co.", "Studio", "Labs", "AB")

CITIES = (
    "Cork Lyon København Zürich Kraków Málaga Göteborg Porto Brno Tartu "
    "Łódź Bergen Gdańsk Köln Nantes Sevilla Graz Aarhus Turku Ljubljana "
    "Reykjavík Bilbao Utrecht Gent Bordeaux Lisboa Dublin Galway Leeds "
    "Bristol Glasgow Cardiff Riga Vilnius Tallinn Helsinki Oslo Malmö "
    "Uppsala Odense Bremen Leipzig Dresden Salzburg Innsbruck Basel Genève "
    "Lausanne Torino Bologna"
).split()
HUB_KINDS = ("Hub", "Works", "Commons", "Studios", "Exchange")

TEAM_NAMES = (
    "Ops",
    "DevOps",
    "Design",
    "Marketing",
    "Sales",
    "Finance",
    "Community",
    "Événements",
    "Front Desk",
    "Growth",
    "Product",
    "Research",
)

COURSE_TOPICS = (
    *demo.COURSE_TOPICS,
    "Woodshop safety",
    "Grant writing",
    "Deutsch im Büro",
    "Negotiation",
)

LESSON_WORDS = tuple(demo.LESSON_WORDS)

# Fragments of customers' names the text-filter workload searches for:
# common ones, of the kind an administrator types into a search box.
NAME_FRAGMENTS = ("son", "mar", "ann", "sen", "ber", "ez", "ia", "ch", "jo", "ers")


def zipf_weights(count, exponent=0.9):
    """Weights for a list ordered most common first."""
    return [1 / (rank + 1) ** exponent for rank in range(count)]
