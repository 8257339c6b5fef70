"""Writes replies/data/train.tsv: hand-written phrases per intent plus seeded variations
(slang, typos, elongations, emoji, casing, particles), minus anything equal to a row of the
dev or held-out test sets. Deterministic: `python replies/data/make_train.py` rewrites the
same file.
"""
import random
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent
random.seed(7)
P = {}
P["greeting"] = """tes
test
min?
kak?
admin?
ada orang?
ada admin?
tes tes
cek cek
halo
halo kak
hai min
hai sis
hallo gan
helo kak
hi kak
hi
hello
hello there
hey
hey min
selamat pagi
selamat siang kak
selamat sore min
selamat malam sis
pagi kak
siang min
sore kak
malam gan
met pagi sis
assalamualaikum kak
assalamualaikum min
waalaikumsalam kak
salam kenal kak
permisi min
permisi kak mau tanya
punten min
kak
min
sis
gan
ping
p
pp
halo admin
halo toko
hai kak mau nanya dong
halo kak ada yang jaga?
min ada orang?
kak online?
halo, boleh tanya?
good morning
good afternoon
good evening kak
hi admin
hello, is anyone there?
hi, quick question
halo selamat pagi
excuse me
misi kak
kakak
halo kak numpang tanya
hai hai min
selamat pagi admin
om swastiastu
shalom kak""".split("\n")
P["price"] = """harganya berapa
berapa harganya kak
brp kak
brp harga
hrg brp
hrg nya brp sis
harga kaos ini berapa
harga hoodie hitam berapa min
berapa harga kemeja flanel
harga celana jeans size 32
harganya brp yg ini
ini berapa kak
yang ini brp
berapa kak yang merah
price?
price please
what is the price
how much is this
how much for the hoodie
how much does it cost
harga satuan berapa
harga grosir berapa kak
kalau beli 2 harganya berapa
beli 1 lusin dapat harga berapa
ada diskon kak
lagi ada promo?
ada potongan harga ga
harga nett berapa
harga pas nya berapa kak
bisa nego harga?
harga reseller berapa
minta price list
ada daftar harga?
harga termurah berapa
totalnya jadi berapa kak
berapaan kak
brapa kak ini
harga jaket denim
harga sepatu yang putih
tas ini berapa rupiah
yg biru harganya sama?
harga size XL beda ga
harganya masih 150rb?
ini 89k kak?
harga sebelum diskon berapa
harga coret berapa
price list ada kak
berapa duit
cost of this item?
harganya ga bisa kurang?
harga kaos polos berapa kak
harga per pcs berapa""".split("\n")
P["stock"] = """ready kak?
ready?
masih ready?
ready ga sis
ready gak
ready stock?
stok ada?
stoknya ada kak
stock masih ada?
masih ada kak?
masih ada stok?
size M ada?
size L ready?
ukuran XL ada ga
warna hitam ready?
warna merah masih ada
yang putih ready ga kak
kaos hitam L ready?
hoodie size M masih ada?
celana ukuran 30 ada?
ada warna lain?
ada size lain ga
sisa berapa kak stoknya
stok tinggal berapa
udah habis ya?
habis ya kak
kosong kak?
kapan restock
kapan ready lagi
restock kapan min
is this in stock
is it available
in stock?
do you have size L
available in black?
any stock left
still available?
ada stok size S?
ready semua ukuran?
yg navy ada?
ready warna apa aja
masih bisa diorder?
bisa order sekarang? ready kan
barangnya ready atau po?
sistem po ya kak?
pre order berapa lama
ada ready nya ga kak
tersedia ga kak
stok gudang ada?
ukuran 38 ready?
warna hijau ada gak""".split("\n")
P["shipping_cost"] = """ongkir ke medan berapa
ongkir ke bandung brp kak
ongkirnya berapa
ongkir brp
ongkir ke jakarta
ongkos kirim ke surabaya
ongkos kirimnya berapa kak
biaya kirim ke bali
biaya pengiriman ke makassar berapa
kena ongkir berapa
ongkir ke jogja ya kak
ongkir jne ke semarang
ongkir jnt ke malang brp
pake sicepat ongkirnya berapa
kirim pakai anteraja bisa? ongkir?
ada free ongkir?
gratis ongkir ga kak
free ongkir min belanja berapa
bisa free ongkir?
minimal belanja gratis ongkir
free shipping?
shipping cost to medan
how much is shipping
shipping fee to bali?
delivery cost to surabaya
how much to ship to jakarta
do you ship to kalimantan, how much
kirim ke papua ongkirnya
ongkir ke luar pulau berapa
ongkir ke aceh brp
ongkir ke pekanbaru
kirim ke palembang berapa ongkosnya
estimasi ongkir ke bogor
cek ongkir ke depok dong
ongkirnya mahal ga
ongkir per kilo berapa
1 kg ongkirnya brp
ongkir ke tangerang
ongkir ke bekasi kak
ongkirnya ditanggung siapa
kena ongkos kirim ga
ongkir ke lampung
ongkir ke padang berapa kak
kurirnya apa aja? ongkir?
bisa kirim jne? ongkirnya?
ekspedisi apa aja yang tersedia
pakai kurir apa kak
bisa kirim ke luar kota?
ongkir instan berapa
ongkir sameday jakarta""".split("\n")
P["order_status"] = """udah tf dari kemarin belum diproses
kapan pesanan saya diproses
pesanan saya sudah dikirim?
pesanan aku kapan dikirim
orderan saya gimana
orderan udah dikirim belum
paket saya belum sampai
paketnya udah sampai mana
resinya mana kak
minta resi
minta nomor resi dong
no resi nya berapa
resi belum diinput
cek resi dong
cek status pesanan
status order saya apa
tolong cek pesanan INV-1023
order INV-0456 udah dikirim?
cek orderan ORD55812
pesanan #123456 gimana
barang saya sudah dikirim?
kapan barangnya sampai
estimasi sampai kapan
paket aku udah jalan?
udah dikirim blm kak
udah di packing belum
pesanan sudah diproses?
kapan diproses kak
where is my order
where's my package
track my order
has my order shipped
tracking number please
when will my order arrive
order status?
pesanan atas nama budi gimana
paketnya masih di gudang?
kurir udah ambil paket?
paket saya nyangkut di mana ya
pesananku belum dikirim kak
kemarin order, udah dikirim?
tolong lacak paket saya
lacak pesanan dong
orderan kemarin udah jalan?
barangnya udah otw?
kapan sampe kak paketnya
pesanan saya statusnya apa
resi udah ada?
paket belum datang kak
kiriman saya udah sampai mana
mohon info status pesanan saya
nomor pesanan INV-7781, sudah dikirim?""".split("\n")
P["payment"] = """bisa cod?
bisa bayar cod ga
cod bisa kak?
bisa bayar di tempat?
transfer ke rekening apa
nomor rekening nya apa
no rek bca dong
rekening mandiri ada?
udah transfer ya kak
sudah tf kak, dicek ya
aku udah tf
ini bukti transfernya
sudah bayar kak
konfirmasi pembayaran
bisa pakai ovo?
bisa gopay?
bayar pakai dana bisa?
shopeepay bisa kak?
bisa qris?
bisa bayar pakai e-wallet?
bisa pay later?
bisa cicilan?
bisa kredivo?
bisa kartu kredit?
metode pembayaran apa aja
bayarnya gimana kak
cara bayarnya gimana
bayar lewat apa
payment methods?
how can i pay
can i pay by transfer
do you accept cod
can i pay with ovo
bank transfer to which account
i have paid
payment done, please check
transfer bri bisa?
bisa transfer beda bank?
bisa bayar setengah dulu?
bisa dp dulu?
bayar pas barang sampai bisa?
va bca bisa?
virtual account ada?
bisa bayar lewat indomaret?
bisa bayar di alfamart
tf nya ke mana kak
rekening atas nama siapa
bukti tf udah saya kirim
sudah saya transfer 150rb
pembayaran sudah masuk belum""".split("\n")
P["return_refund"] = """bisa retur?
bisa retur ga kak
cara retur gimana
mau retur barang
mau tukar ukuran
bisa tukar size?
mau tuker warna
kekecilan bisa tukar?
kebesaran kak, bisa ditukar
ga muat, bisa tukar?
mau refund
gimana cara refund
refund berapa lama
uang refund kapan masuk
dana refund kapan cair
pengembalian dana berapa hari
bisa dikembalikan?
barang ga sesuai, mau dikembalikan
mau balikin barang
mau kembalikan barang
bisa uang kembali?
kebijakan retur gimana
syarat retur apa aja
retur ongkirnya siapa yang bayar
bisa batal dan refund?
mau batalin pesanan, refund ya
can i return this
can i exchange the size
how do i get a refund
return policy?
refund please
i want to exchange this
is exchange possible
can i get my money back
tukar barang bisa kak?
mau tukar yang lain
retur maksimal berapa hari
refundnya udah diproses?
refund ke rekening mana
tukar size masih bisa ga
bisa ganti ukuran?
ukurannya kekecilan mau ganti L
mau return kak
proses retur berapa lama
refund belum masuk kak
kalau ga cocok bisa dibalikin?
bisa tukar model?
retur bisa lewat jne?
barang sudah saya kirim balik untuk retur
alamat retur kemana""".split("\n")
P["warranty"] = """ada garansi?
garansi berapa lama
garansinya berapa bulan
garansi toko atau resmi
cara klaim garansi
mau klaim garansi
klaim garansi gimana
ada garansinya kak?
kalau rusak ada garansi?
kalau cacat ada garansi?
garansi apa aja
garansi mencakup apa
masa garansi berapa
garansi 1 tahun?
garansinya ganti baru?
bisa servis?
servis dimana kak
kartu garansi ada?
warranty?
warranty period?
is there a warranty
does it have a guarantee
how to claim warranty
warranty claim
warranty covers what
garansi jahitan ada?
resleting rusak bisa klaim garansi?
garansi seumur hidup?
garansi berlaku dari kapan
garansi hangus kalau apa
klaim garansi butuh nota?
syarat garansi apa
ada garansi uang kembali?
garansi distributor?
garansi internasional?
garansi mesin berapa lama
kalau luntur ada garansi
garansi sobek?
kalau kancingnya copot bisa klaim?
barang bergaransi kak?""".split("\n")
P["complaint"] = """produknya bau
barangnya bau apek
barangnya kotor
kualitasnya jelek banget
jahitannya jelek
kurirnya kasar sama saya
kurirnya tidak sopan
barang pecah semua
isinya kurang
barang saya datang rusak
barangnya rusak kak
paket datang dalam kondisi rusak
produk cacat
barangnya cacat tolong tanggung jawab
kecewa sama pelayanannya
kecewa banget
sangat kecewa
pesanan salah kirim
warnanya salah
ukurannya salah kirim
barang tidak sesuai foto
barang ga sesuai pesanan
kok beda sama gambar
udah seminggu ga sampe, gimana sih
lama banget pengirimannya
parah, udah 10 hari belum sampai
kok belum dikirim2 sih
admin lambat banget balesnya
chat saya ga dibales
pelayanan buruk
jahitannya jelek
bahannya tipis banget, nyesel
barangnya kurang satu
isi paket kurang
paket saya hilang
paketnya kosong
barangnya bekas pakai
barangnya kotor
bau apek barangnya
luntur pas dicuci pertama
sobek pas dibuka
the item is damaged
wrong item sent
very disappointed
terrible service
my package is missing
the product is broken
this is not what i ordered
still not delivered after two weeks
mau komplain
saya komplain ya
tolong tanggung jawab
saya minta ganti rugi
zonk barangnya
nyesel beli disini
kualitasnya jelek banget
barang palsu ini
kenapa dikirim yang salah
ini kok sobek sih 😡""".split("\n")
P["human"] = """mau bicara sama admin
mau ngomong sama orang
bisa telepon?
bisa telepon kak?
bisa ditelpon?
sambungkan ke cs
sambungkan ke admin dong
minta kontak admin
minta nomor admin
nomor cs nya berapa
ada nomor wa?
hubungi saya ya kak
tolong telpon saya
i want to talk to a human
talk to a real person
can i speak to an agent
customer service please
i need a human
bukan bot kan?
ini bot ya?
mau orang asli
mau dilayani admin
admin tolong bales
minta admin yang jawab
mau chat sama manusia
ada admin?
cs nya mana
tolong hubungkan ke customer service
saya mau bicara dengan pemilik toko
mau ngobrol langsung
minta nomor yang bisa dihubungi
kontak person siapa
bisa video call?
panggil admin
mau ke admin aja
ga mau sama bot
jangan bot
speak to someone please
please connect me to staff
operator please
saya butuh bantuan admin
tolong admin cek chat saya
mau nego sama owner
admin bisa telpon saya?
bisa call kak
admin aja deh""".split("\n")
P["thanks"] = """makasih
makasih kak
makasih banyak ya
terima kasih
terima kasih min
terima kasih banyak kak
terimakasih
trims kak
thanks
thanks kak
thanks ya
thank you
thank you so much
thx
tq kak
ok thanks
oke makasih
siap kak
siap makasih
sip
oke kak
ok kak
baik kak terima kasih
noted kak
oke deh
mantap
mantap kak
makasih infonya
makasih udah dibantu
mksh ya
makasih min sudah dijawab
oke siap
okay noted
thanks for the info
thank you admin
much appreciated
great, thanks
ok, i understand
sip gan
maturnuwun
nuhun kak
oke ditunggu
makasih ya sis
tengkyu
baik kalau begitu
alhamdulillah makasih""".split("\n")
P["abuse"] = """asu
asu kowe
jancok
tolol banget
idiot
bego lu
kampret lu
tai
taik lu
bajingan lu
goblok lu
goblok
dasar goblok
tolol
admin tolol
bodoh banget sih
bodoh
bego
dasar penipu
penipu
toko penipu
anjing
anjing lu
bangsat
bangsat lu
brengsek
sialan
kampret
babi
monyet lu
stupid shop
you idiot
stupid
scammer
fuck you
shit shop
bajingan
tai
keparat
kurang ajar lu
otak udang
dasar toko sampah
anjir goblok
dongo
idiot admin
bacot
lu budek ya
mati aja lu
tolol banget adminnya
najis""".split("\n")
P["spam"] = """mampir ke toko kami ya
banyak promo di toko kami kak
jadi reseller kami? dm aku
dm aku buat info reseller
dijual akun netflix murah
cuan tiap hari gabung sekarang
gabung grup cuan
cek toko aku ya banyak diskon
mampir ya kak ke lapak aku
follow ig aku kak
follow back ya
follback kak
cek ig aku
mampir ke olshop aku
pinjol cepat cair wa sekarang
pinjaman dana cepat tanpa jaminan
butuh dana? hubungi wa
link judi online di bio
slot gacor hari ini
situs slot terpercaya
judi bola online
jual like dan follower
jasa followers murah
jual akun ig
giveaway cek profil aku
giveaway iphone gratis
klik link di bio
kerja online gaji jutaan
kerja dari rumah penghasilan jutaan
lowongan kerja part time
investasi modal kecil untung besar
bisnis online tanpa modal
endorse kak? dm aku
promosi produk kamu di akun aku
cek story aku ya
visit my profile
earn money from home
free followers
click the link in my bio
gabung member vip
dapat saldo gratis
menang undian klik link ini
kode promo saldo dana
trading forex profit harian
jual obat herbal ampuh
jasa pembuatan website murah
open reseller cek bio
promo pulsa murah dm
daftar sekarang bonus 100%""".split("\n")
P["other"] = """jam operasional toko?
buka sampai jam berapa kak
tutup jam berapa
minimal order grosir berapa pcs
grosir minimal berapa
ada lowongan kak?
berat 80 kg muat size apa
tinggi 165 cocok ukuran apa
ada cabang di jakarta?
toko buka jam berapa?
jam buka toko
alamatnya dimana kak
lokasi toko dimana
tokonya di mana
ada cabang di surabaya?
ada toko offline?
bisa jadi dropship?
bisa dropship?
mau jadi reseller
syarat jadi agen
bahannya apa ya
bahan kaosnya apa
ini ori?
original kak?
produk asli?
ini produk lokal?
bisa custom?
bisa custom nama?
bisa sablon logo?
cara order gimana
cara pesan gimana kak
order lewat mana
ada di shopee?
ada di tokopedia?
link shopee nya apa
size apa yang cocok untuk tinggi 170
ukuran M muat berat 60?
cocok buat cewek?
bisa pesan partai besar?
bisa bungkus kado?
bisa kirim hari minggu?
libur kapan kak
where is your store
are you open on sunday
is this original
what material is this
can i order custom
do you have a physical store
how to order
kak mau tanya
mau tanya dong
boleh tanya?
saya mau pesan
mau order kak
ini model apa
bedanya yang premium apa
warna aslinya sama kayak foto?
bisa cuci mesin?
cara cuci nya gimana
ada katalog?
minta foto aslinya
ada video produknya?
bisa cek barang dulu?
kak ini bisa buat hadiah?
ada yang lebih besar?
bisa jadi member?
kapan ada flash sale?
tokonya resmi?
admin asli mana?
isi ulang bisa?""".split("\n")


EXTRA = {
"other": """gimana cara ordernya
cara ordernya gimana ya
kalau mau order caranya gimana
tolong cancel pesanan saya
mau batalin orderan
bisa cancel order?
ganti alamat pengiriman bisa?
mau ubah alamat kak
salah tulis alamat, bisa diganti?
minta invoice dong
bisa minta faktur pajak?
bisa kirim ke dua alamat?
ada grup reseller?
kak ini bahannya adem ga?
bahannya panas ga
ini melar ga kak
tebal ga bahannya
cocok buat anak umur 5 tahun?
berat 70 kg cocok size apa
bisa pesan banyak buat seragam kantor?
terima pesanan custom logo?
bisa cod ke luar negeri? mau tanya dulu
mau tanya soal kerjasama
bisa kolaborasi?
is this unisex?
can i pick up at the store?
bisa ambil sendiri ke toko?
bisa diantar hari ini?
kapan launching produk baru
ada model terbaru?
mau tanya dulu kak
wkwk
hehe
oh gitu
ohh
hmm
lagi liat-liat dulu kak
nanti aku kabari lagi
aku pikir-pikir dulu ya
ini buat hadiah, bisa tulis kartu ucapan?
bisa packing kayu?
bisa pakai bubble wrap tambahan?
kak akunnya ganti nama ya?
kenapa toko pindah?
admin shift malam ada?
boleh minta foto real pict?
aslinya warna apa""".split("\n"),
"payment": """is cod available?
cod available in bandung?
cod available?
can i pay later?
do you take gopay?
is bank transfer ok?
sudah transfer tapi belum dikonfirmasi
kok pembayaran belum diverifikasi
bisa bayar pakai qris kak?
udah bayar via dana ya
transfer sudah, mohon dicek ya min
nomer rekening bni ada?""".split("\n"),
"stock": """celana cargo hijau ada?
kemeja batik biru ada kak?
jaket kulit coklat ada?
rok plisket hitam ada ga
tas ransel abu ada?
isih ono mas?
sing ireng isih ono?
ukuran L isih ono ora
ready ora mas?
ready ora kak
stok e isih ono?
aya keneh teh?
nu hideung aya keneh?
ukuran M aya teu?
ready teu kang?
apakah ukuran L masih tersedia?
saya ingin menanyakan ketersediaan kemeja ukuran M
mohon informasi apakah warna hitam masih ada stok
is the black one available?
available in size M?
size 40 available?
do you still have the hoodie?
masih ada yang hitam ukuran L?
sisa stok warna navy berapa
stock kaos putih habis?
ready size kecil?""".split("\n"),
"complaint": """paket sudah sampai tapi isinya salah warna
barang sampai tapi kurang
sudah sampai tapi rusak
isinya bukan yang saya pesan
kak ini gimana sih dari kemarin ga dibales
udah nunggu lama kok ga ada kabar
pengiriman lelet banget
kenapa pesanan saya dibatalkan sepihak
uang sudah ditransfer tapi pesanan dibatalkan
i'm very unhappy with this
the quality is really bad
i received the wrong colour""".split("\n"),
"human": """bisa vc sama admin?
mau video call admin
vc bisa kak?
ada yg bisa bantu?
ada admin yang bisa bantu saya?
bisa minta tolong admin?
please let me talk to your staff
can someone call me?
i want to speak to the owner
need to talk to customer support""".split("\n"),
"shipping_cost": """can you ship to singapore?
do you ship internationally? cost?
shipping to malaysia how much
bisa kirim ke luar negeri? ongkirnya?
kirim ke medan kena berapa
kalau kirim ke bali berapa kak
ke makassar ongkos kirimnya berapa""".split("\n"),
"order_status": """my order hasn't arrived yet
order belum sampai nih kak, cek dong
has it been shipped yet?
is my parcel on the way?
sudah dikirim belum ya pesanan atas nama dewi""".split("\n"),
# Formal Indonesian, Javanese and Sundanese price and stock questions.
"price": """Selamat siang, saya ingin menanyakan harga kemeja ukuran M. Terima kasih.
Selamat pagi, mohon informasi harga celana ukuran 32
Dengan hormat, berapa harga produk ini?
saya ingin menanyakan harga jaket ini
permisi, boleh saya tahu harga tas tersebut?
mohon info harga hoodie warna hitam, terima kasih
kaos iki piro mas
regane piro mbak
hargane piro
piro iki kak
rego ne piro
sing ireng piro mas
sabaraha hargana teh
ieu sabaraha kang
sabaraha ieu teh
hargana sabaraha""".split("\n"),
"thanks": """👍
👍👍
oke 👍
ok sip
thank you, noted
thanks a lot
cheers
noted, thanks""".split("\n"),
}
for k, v in EXTRA.items():
    P[k] = P[k] + v

HON = ["kak", "min", "sis", "gan", "ka", "kk", "bun", "say", "mas", "mbak"]
SLANGIFY = [("berapa", "brp"), ("harga", "hrg"), ("gimana", "gmn"), ("sudah", "udh"), ("sudah", "udah"),
            ("belum", "blm"), ("belum", "blom"), ("tidak", "ga"), ("nggak", "gak"), ("transfer", "tf"),
            ("yang", "yg"), ("dong", "dng"), ("terima kasih", "makasih"), ("makasih", "mksh"),
            ("bisa", "bs"), ("kapan", "kpn"), ("sampai", "sampe"), ("saya", "sy"), ("ongkir", "ongkr"),
            ("rekening", "rek"), ("pesanan", "pesenan"), ("ready", "redy"), ("stok", "stock"), ("tolong", "tlg"),
            ("aku", "aq"), ("kalau", "klo"), ("nomor", "no"), ("lagi", "lg")]
EMO = ["🙏", "😊", "😭", "🥺", "👍", "😁", "🤔", "❤️", "✨", "😅"]
ANGRY = ["😡", "😤", "🤬"]

def elongate(s):
    words = s.split()
    i = random.randrange(len(words))
    w = words[i]
    m = [j for j, c in enumerate(w) if c in "aiueoyhk"]
    if m:
        j = m[-1] if random.random() < .7 else random.choice(m)
        w = w[:j+1] + w[j] * random.randint(2, 4) + w[j+1:]
    words[i] = w
    return " ".join(words)

def typo(s):
    words = s.split()
    cand = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not cand:
        return s
    i = random.choice(cand)
    w = list(words[i])
    j = random.randrange(1, len(w) - 1)
    op = random.random()
    if op < .4:
        w[j], w[j+1 if j+1 < len(w) else j-1] = w[j+1 if j+1 < len(w) else j-1], w[j]
    elif op < .7:
        del w[j]
    else:
        w.insert(j, w[j])
    words[i] = "".join(w)
    return " ".join(words)

def vary(intent, s):
    r = random.random
    if r() < .5:
        for a, b in random.sample(SLANGIFY, len(SLANGIFY)):
            if re.search(rf"\b{a}\b", s) and r() < .6:
                s = re.sub(rf"\b{a}\b", b, s, count=1)
    if r() < .35 and not re.search(r"\b(kak|min|sis|gan)\b", s):
        h = random.choice(HON)
        s = (s.rstrip("?!. ") + " " + h + ("?" if s.endswith("?") else "")) if r() < .6 else h + " " + s
    if r() < .25:
        s = elongate(s)
    if r() < .2:
        s = typo(s)
    if r() < .25:
        s = s.replace("?", "??") if "?" in s and r() < .5 else s + " " + random.choice(ANGRY if intent in ("complaint", "abuse") else EMO)
    if r() < .15:
        s = s.capitalize() if r() < .5 else s.upper() if len(s) < 30 else s
    if r() < .15:
        s = s + random.choice([" ya", " dong", " nih", " deh", " yah", " kah"])
    return s.strip()

def key(t):
    return re.sub(r"[^a-z0-9 ]", "", t.lower()).strip()
held = set(key(l.split("\t", 1)[1]) for f in (DATA / "intents-dev.tsv", DATA / "dev-second-author.tsv", DATA / "test.tsv", DATA / "holdout-second-author.tsv")
           for l in open(f).read().splitlines()[1:])
rows = set()
removed = 0
for intent in P:
    keep = [p for p in P[intent] if p.strip() and key(p) not in held]
    removed += len([p for p in P[intent] if p.strip()]) - len(keep)
    P[intent] = keep
print("base phrases equal to a dev/test text, removed:", removed)
for intent, phrases in P.items():
    phrases = [p.strip() for p in phrases if p.strip()]
    for p in phrases:
        rows.add((intent, p))
    target = 160
    n = 0
    tries = 0
    while n < target - len(phrases) and tries < 5000:
        tries += 1
        v = vary(intent, random.choice(phrases))
        if (intent, v) not in rows:
            rows.add((intent, v))
            n += 1

# Multi-part lines where the main point is clear (greeting/thanks wrapped around it).
wrap = ["halo kak, {}", "{} makasih", "permisi, {}", "kak mau nanya, {}", "{} ya kak makasih"]
for intent in ["price", "stock", "shipping_cost", "order_status", "payment", "return_refund", "warranty", "complaint", "human"]:
    for p in random.sample([x for x in P[intent] if x.strip()], 12):
        rows.add((intent, random.choice(wrap).format(p)))

dev = set(l.split("\t", 1)[1].strip().lower() for f in ("intents-dev.tsv", "dev-second-author.tsv")
          for l in open(DATA / f).read().splitlines()[1:])
test = set(l.split("\t", 1)[1].strip().lower() for f in ("test.tsv", "holdout-second-author.tsv")
           for l in open(DATA / f).read().splitlines()[1:])
out = sorted((r for r in rows if r[1].lower() not in dev and r[1].lower() not in test), key=lambda r: (r[0], r[1]))
dropped = len(rows) - len(out)
with open(DATA / "train.tsv", "w") as fh:
    fh.write("intent\ttext\n")
    for i, t in out:
        assert "\t" not in t
        fh.write(f"{i}\t{t}\n")
print(len(out), "rows; dropped overlapping with dev/test:", dropped)
