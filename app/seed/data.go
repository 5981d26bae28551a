package seed

// The word lists behind the demo data. Names are common Polish ones; every surname has its
// female and male form (Kowalska/Kowalski), identical for names that do not inflect (Nowak).

var femaleFirstNames = []string{
	"Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna",
	"Elżbieta", "Magdalena", "Joanna", "Zofia", "Aleksandra", "Monika", "Teresa", "Danuta",
	"Natalia", "Karolina", "Marta", "Julia", "Beata", "Dorota", "Halina", "Jadwiga",
	"Janina", "Alicja", "Iwona", "Jolanta", "Grażyna", "Irena", "Bożena", "Urszula",
	"Justyna", "Renata", "Paulina", "Sylwia", "Hanna", "Agata", "Wiktoria", "Zuzanna",
	"Oliwia", "Maja", "Lena", "Emilia", "Weronika", "Dominika", "Izabela", "Patrycja",
	"Kinga", "Wanda", "Stanisława", "Helena", "Ilona", "Edyta", "Gabriela", "Marianna",
	"Łucja", "Jagoda", "Michalina", "Bogumiła",
}

var maleFirstNames = []string{
	"Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał", "Marcin",
	"Stanisław", "Jakub", "Adam", "Marek", "Łukasz", "Grzegorz", "Mateusz", "Wojciech",
	"Mariusz", "Dariusz", "Zbigniew", "Jerzy", "Maciej", "Rafał", "Robert", "Kamil",
	"Józef", "Tadeusz", "Dawid", "Ryszard", "Jacek", "Kazimierz", "Janusz", "Henryk",
	"Sebastian", "Szymon", "Bartosz", "Przemysław", "Damian", "Daniel", "Roman", "Sławomir",
	"Artur", "Filip", "Antoni", "Aleksander", "Wiktor", "Hubert", "Kacper", "Igor",
	"Mikołaj", "Oskar", "Leszek", "Bogdan", "Zdzisław", "Wiesław", "Czesław", "Witold",
	"Bartłomiej", "Konrad", "Radosław", "Władysław",
}

// lastNames holds {female form, male form}.
var lastNames = [][2]string{
	{"Nowak", "Nowak"}, {"Kowalska", "Kowalski"}, {"Wiśniewska", "Wiśniewski"},
	{"Wójcik", "Wójcik"}, {"Kowalczyk", "Kowalczyk"}, {"Kamińska", "Kamiński"},
	{"Lewandowska", "Lewandowski"}, {"Zielińska", "Zieliński"}, {"Szymańska", "Szymański"},
	{"Woźniak", "Woźniak"}, {"Dąbrowska", "Dąbrowski"}, {"Kozłowska", "Kozłowski"},
	{"Jankowska", "Jankowski"}, {"Mazur", "Mazur"}, {"Wojciechowska", "Wojciechowski"},
	{"Kwiatkowska", "Kwiatkowski"}, {"Krawczyk", "Krawczyk"}, {"Kaczmarek", "Kaczmarek"},
	{"Piotrowska", "Piotrowski"}, {"Grabowska", "Grabowski"}, {"Zając", "Zając"},
	{"Pawłowska", "Pawłowski"}, {"Michalska", "Michalski"}, {"Król", "Król"},
	{"Wieczorek", "Wieczorek"}, {"Jabłońska", "Jabłoński"}, {"Wróbel", "Wróbel"},
	{"Nowakowska", "Nowakowski"}, {"Majewska", "Majewski"}, {"Olszewska", "Olszewski"},
	{"Stępień", "Stępień"}, {"Malinowska", "Malinowski"}, {"Jaworska", "Jaworski"},
	{"Adamczyk", "Adamczyk"}, {"Dudek", "Dudek"}, {"Nowicka", "Nowicki"},
	{"Pawlak", "Pawlak"}, {"Górska", "Górski"}, {"Witkowska", "Witkowski"},
	{"Walczak", "Walczak"}, {"Sikora", "Sikora"}, {"Baran", "Baran"},
	{"Rutkowska", "Rutkowski"}, {"Michalak", "Michalak"}, {"Szewczyk", "Szewczyk"},
	{"Ostrowska", "Ostrowski"}, {"Tomaszewska", "Tomaszewski"}, {"Pietrzak", "Pietrzak"},
	{"Zalewska", "Zalewski"}, {"Wróblewska", "Wróblewski"}, {"Marciniak", "Marciniak"},
	{"Jasińska", "Jasiński"}, {"Zawadzka", "Zawadzki"}, {"Bąk", "Bąk"},
	{"Jakubowska", "Jakubowski"}, {"Sadowska", "Sadowski"}, {"Duda", "Duda"},
	{"Włodarczyk", "Włodarczyk"}, {"Wilk", "Wilk"}, {"Chmielewska", "Chmielewski"},
	{"Borkowska", "Borkowski"}, {"Sokołowska", "Sokołowski"}, {"Szczepańska", "Szczepański"},
}

// city is a place customers live in: its voivodeship, postal codes (as a number range
// lo..hi, printed NN-NNN) and a weight roughly following population.
type city struct {
	name, voivodeship  string
	postalLo, postalHi int
	weight             int
}

var cities = []city{
	{"Warszawa", "mazowieckie", 1, 4999, 180},
	{"Kraków", "małopolskie", 30001, 31999, 80},
	{"Wrocław", "dolnośląskie", 50001, 54999, 65},
	{"Łódź", "łódzkie", 90001, 94999, 65},
	{"Poznań", "wielkopolskie", 60001, 61999, 55},
	{"Gdańsk", "pomorskie", 80001, 80999, 48},
	{"Szczecin", "zachodniopomorskie", 70001, 71999, 40},
	{"Bydgoszcz", "kujawsko-pomorskie", 85001, 85999, 34},
	{"Lublin", "lubelskie", 20001, 20999, 34},
	{"Białystok", "podlaskie", 15001, 15999, 30},
	{"Katowice", "śląskie", 40001, 40999, 29},
	{"Gdynia", "pomorskie", 81001, 81599, 24},
	{"Częstochowa", "śląskie", 42200, 42299, 21},
	{"Radom", "mazowieckie", 26600, 26699, 20},
	{"Toruń", "kujawsko-pomorskie", 87100, 87199, 20},
	{"Rzeszów", "podkarpackie", 35001, 35999, 20},
	{"Kielce", "świętokrzyskie", 25001, 25999, 19},
	{"Gliwice", "śląskie", 44100, 44199, 18},
	{"Olsztyn", "warmińsko-mazurskie", 10001, 10999, 17},
	{"Zielona Góra", "lubuskie", 65001, 65999, 14},
	{"Opole", "opolskie", 45001, 45999, 13},
	{"Gorzów Wielkopolski", "lubuskie", 66400, 66499, 12},
	{"Elbląg", "warmińsko-mazurskie", 82300, 82399, 11},
	{"Płock", "mazowieckie", 9400, 9499, 11},
	{"Tarnów", "małopolskie", 33100, 33199, 10},
	{"Koszalin", "zachodniopomorskie", 75001, 75999, 10},
	{"Sopot", "pomorskie", 81701, 81899, 4},
	{"Zakopane", "małopolskie", 34500, 34500, 3},
}

var streets = []string{
	"ul. Marszałkowska", "ul. Piłsudskiego", "ul. Mickiewicza", "ul. Słowackiego",
	"ul. Kościuszki", "ul. Sienkiewicza", "ul. Długa", "ul. Polna", "ul. Leśna",
	"ul. Ogrodowa", "ul. Lipowa", "ul. Kwiatowa", "ul. Szkolna", "ul. Jana Pawła II",
	"ul. Wojska Polskiego", "ul. 3 Maja", "ul. Żeromskiego", "ul. Reymonta", "ul. Kopernika",
	"ul. Chopina", "ul. Konopnickiej", "ul. Kardynała Wyszyńskiego", "ul. Armii Krajowej",
	"ul. Grunwaldzka", "ul. Mazowiecka", "ul. Krakowska", "ul. Warszawska", "ul. Zielona",
	"ul. Słoneczna", "ul. Akacjowa", "ul. Brzozowa", "ul. Parkowa", "ul. Kolejowa",
	"ul. Ogrodnicza", "ul. Wiejska", "ul. Kasztanowa", "ul. Piaskowa", "ul. Łąkowa",
	"ul. Różana", "ul. Świętokrzyska", "ul. Nowy Świat", "ul. Prosta", "ul. Fabryczna",
	"ul. Broniewskiego", "ul. Tuwima", "ul. Orzeszkowej", "ul. Staszica", "ul. Dworcowa",
	"al. Jerozolimskie", "al. Niepodległości", "al. Solidarności", "al. Grunwaldzka",
	"os. Tysiąclecia", "os. Słoneczne", "pl. Wolności", "pl. Grunwaldzki",
}

// Mobile prefixes in use in Poland, so every number passes phone validation.
var mobilePrefixes = []string{
	"500", "501", "502", "503", "504", "505", "506", "507", "508", "509",
	"510", "511", "512", "513", "514", "515", "516", "517", "518", "519",
	"530", "531", "532", "533", "534", "535", "536", "537", "538", "539",
	"570", "571", "572", "573", "574", "575", "576", "577", "578", "579",
	"600", "601", "602", "603", "604", "605", "606", "607", "608", "609",
	"660", "661", "662", "663", "664", "665", "666", "667", "668", "669",
	"690", "691", "692", "693", "694", "695", "696", "697", "698", "699",
	"720", "721", "722", "723", "724", "725", "726", "727", "728", "729",
	"730", "731", "732", "733", "734", "735", "736", "737", "738", "739",
	"780", "781", "782", "783", "784", "785", "786", "787", "788", "789",
	"790", "791", "792", "793", "794", "795", "796", "797", "798", "799",
	"880", "881", "882", "883", "884", "885", "886", "887", "888", "889",
}

var emailDomains = []string{"example.pl", "example.com"}

// companyForms turn a surname into a plausible company name.
var companyForms = []string{
	"PHU %s", "%s i Wspólnicy sp. z o.o.", "Biuro Rachunkowe %s", "Firma Handlowa %s",
	"Zakład Usługowy %s", "%s Transport sp. j.", "Pracownia Projektowa %s", "%s Serwis s.c.",
	"Kancelaria Radcy Prawnego %s", "Gabinet Stomatologiczny %s",
}

var consentSources = []string{"import", "formularz w sklepie", "formularz w karcie klienta", "strona internetowa"}

var withdrawSources = []string{"prośba klienta (e-mail)", "formularz w karcie klienta", "rozmowa telefoniczna"}

// Reference data created (or found by name) before the customers.

type groupDef struct {
	name     string
	rate     int64 // 0 = the global rate
	discount int
	weight   int // share of customers, in percent
}

var groupDefs = []groupDef{
	{"Standard", 0, 0, 55},
	{"Srebrna", 15000, 3, 22},
	{"Złota", 20000, 5, 9},
	{"VIP", 30000, 10, 4},
}

type staffDef struct{ login, name, role string }

var staffDefs = []staffDef{
	{"anna.nowak", "Anna Nowak", "operator"},
	{"piotr.wisniewski", "Piotr Wiśniewski", "operator"},
}

type locationDef struct{ name, city string }

var locationDefs = []locationDef{
	{"Sklep Warszawa Centrum", "Warszawa"},
	{"Sklep Kraków Galeria", "Kraków"},
	{"Sklep Gdańsk Oliwa", "Gdańsk"},
	{"Sklep Wrocław Rynek", "Wrocław"},
	{"Sklep Poznań Stary Browar", "Poznań"},
}

type rewardDef struct {
	name, kind  string
	points      int64
	stock       int64 // -1 = unlimited (NULL)
	shipped     bool  // goes through processing and shipping; vouchers are issued at once
	description string
}

var rewardDefs = []rewardDef{
	{"Torba na zakupy", "Gadżet", 150, 400, true, "Bawełniana torba z logo programu."},
	{"Darmowa dostawa", "Usługa", 200, -1, false, "Jedna dostawa zamówienia internetowego gratis."},
	{"Kubek termiczny", "Gadżet", 300, 120, true, "Stalowy kubek 450 ml, utrzymuje ciepło do 6 godzin."},
	{"Bilet do kina", "Bilet", 400, -1, false, "Voucher na jeden seans 2D w sieci kin."},
	{"Parasol składany", "Gadżet", 450, 80, true, "Automatyczny parasol w etui."},
	{"Bon 50 zł", "Bon", 500, -1, false, "Bon na zakupy o wartości 50 zł, ważny 6 miesięcy."},
	{"Kawa ziarnista 1 kg", "Produkt", 600, 200, true, "Arabika z palarni rzemieślniczej."},
	{"Zestaw kosmetyków", "Produkt", 800, 50, true, "Zestaw do pielęgnacji twarzy i dłoni."},
	{"Bon 100 zł", "Bon", 950, -1, false, "Bon na zakupy o wartości 100 zł, ważny 6 miesięcy."},
	{"Słuchawki bezprzewodowe", "Elektronika", 2500, 25, true, "Słuchawki Bluetooth z etui ładującym."},
	{"Voucher na kolację dla dwojga", "Usługa", 3000, 10, false, "Kolacja w restauracji partnerskiej."},
}

// Scenarios, by trigger.
const (
	scenarioWelcome  = "Powitanie — bonus za rejestrację"
	scenarioBirthday = "Życzenia urodzinowe"
	scenarioReferral = "Bonus za polecenie"
	scenarioInactive = "Przypomnienie o punktach"

	welcomePoints  = 50
	referralPoints = 100
	inactiveDays   = 90
)

type scenarioDef struct {
	name, trigger string
	threshold     int64
	action        string
	points        int64
	subject, body string
}

var scenarioDefs = []scenarioDef{
	{scenarioWelcome, "joined", 0, "add_points", welcomePoints, "", ""},
	{scenarioBirthday, "birthday", 0, "send_email", 0, birthdaySubject, birthdayBody},
	{scenarioReferral, "referral", 0, "add_points", referralPoints, "", ""},
	{scenarioInactive, "inactive", inactiveDays, "send_sms", 0, "", inactiveSMS},
}

const (
	birthdaySubject = "Wszystkiego najlepszego z okazji urodzin!"
	birthdayBody    = "Z okazji urodzin życzymy Ci zdrowia, radości i samych udanych zakupów. " +
		"Dziękujemy, że jesteś z nami w programie lojalnościowym!"
	inactiveSMS = "Dawno Cię nie było! Twoje punkty czekają na Ciebie — wymień je na nagrody w naszych sklepach."
)

// Failure reasons a scenario run can record.
var (
	reasonInactiveScenario = "Scenariusz był wtedy nieaktywny"
	reasonNoEmailConsent   = "Brak zgody na wysyłkę e-maili"
	reasonNoEmail          = "Brak adresu e-mail"
	reasonNoSMSConsent     = "Brak zgody na wysyłkę SMS"
	reasonNoPhone          = "Brak numeru telefonu"
	reasonDBTimeout        = "Nie udało się dopisać punktów: przekroczono czas oczekiwania na bazę danych"
)

var emailErrors = []string{
	"Serwer odbiorcy odrzucił wiadomość (550)",
	"Skrzynka odbiorcy jest pełna (552)",
	"Nie znaleziono domeny odbiorcy",
	"Przekroczono czas połączenia z serwerem SMTP",
}

// message is a subject and a body; "%s" in the body takes the salutation.
type message struct{ subject, body string }

var staffEmails = []message{
	{"Nowa promocja w Twoim sklepie", "%s,\n\nw tym tygodniu za zakupy powyżej 200 zł naliczamy podwójne punkty. " +
		"Zapraszamy do naszych sklepów!\n\nZespół programu lojalnościowego"},
	{"Podsumowanie Twoich punktów", "%s,\n\nprzesyłamy podsumowanie punktów zebranych w ostatnim kwartale. " +
		"Aktualne saldo sprawdzisz przy kasie lub w wiadomościach na stronie programu.\n\nPozdrawiamy"},
	{"Zaproszenie na dni otwarte", "%s,\n\nzapraszamy na dni otwarte w naszych sklepach: pokazy, degustacje " +
		"i dodatkowe punkty za każde zakupy.\n\nDo zobaczenia!"},
	{"Zmiana regulaminu programu lojalnościowego", "%s,\n\ninformujemy, że od przyszłego miesiąca obowiązuje " +
		"nowy regulamin programu. Najważniejsza zmiana: punkty ważne są 24 miesiące.\n\nZespół programu"},
	{"Twoja nagroda czeka na odbiór", "%s,\n\nzamówiona nagroda jest gotowa do odbioru w wybranym sklepie. " +
		"Prosimy o odbiór w ciągu 14 dni.\n\nPozdrawiamy"},
	{"Dziękujemy za zakupy", "%s,\n\ndziękujemy za ostatnie zakupy. Punkty zostały już dopisane do Twojego konta.\n\nZespół programu"},
}

var smsBodies = []string{
	"Podwójne punkty w ten weekend we wszystkich naszych sklepach! Zapraszamy.",
	"Twoja nagroda jest gotowa do odbioru w sklepie. Zapraszamy w godzinach otwarcia.",
	"Dziękujemy za zakupy! Punkty zostały dopisane do Twojego konta.",
	"Tylko do niedzieli: -20% na kawę i herbatę dla członków programu.",
	"Przypominamy o odbiorze zamówionej nagrody. Czekamy 14 dni.",
}

var internalMessages = []message{
	{"Witamy w programie lojalnościowym", "%s,\n\ncieszymy się, że jesteś z nami. Za każdą złotówkę zakupów zbierasz punkty, które wymienisz na nagrody."},
	{"Nagroda wysłana", "%s,\n\nTwoja nagroda została wysłana. Przesyłka powinna dotrzeć w ciągu 2–3 dni roboczych."},
	{"Nowe nagrody w katalogu", "%s,\n\ndodaliśmy do katalogu nowe nagrody. Sprawdź je przy najbliższej wizycie w sklepie."},
	{"Aktualizacja danych kontaktowych", "%s,\n\nprosimy o sprawdzenie, czy Twoje dane kontaktowe są aktualne."},
}

var purchaseDescriptions = []string{"Zakupy", "Zakupy", "Zakupy", "Zakupy — promocja weekendowa", "Zakupy świąteczne", ""}

var subtractDescriptions = []string{
	"Korekta salda — błędnie naliczone punkty", "Korekta na prośbę klienta", "Korekta po reklamacji",
}
