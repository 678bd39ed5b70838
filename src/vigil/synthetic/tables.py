"""Frequency tables for the synthetic force area, written for Vigil (no real person, address or
case is behind any of them). Weights are relative frequencies, so common names repeat the way
they do in a real population: many Smiths and many Mohammeds, few Brearleys.

Each table is a compact "Name weight, Name weight" string, parsed once into names and
cumulative weights for `random.choices`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class Table:
    names: tuple[str, ...]
    cum_weights: tuple[float, ...]


def table(spec: str) -> Table:
    names: list[str] = []
    weights: list[float] = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        name, _, weight = item.rpartition(" ")
        names.append(name)
        weights.append(float(weight))
    return Table(tuple(names), tuple(accumulate(weights)))


# --- Origins ----------------------------------------------------------------------------------
# Shares of the synthetic population, roughly those of a northern English county. Each origin
# maps to ONS 2021 ethnic-group codes (Person.ethnicity), a nationality and languages.


@dataclass(frozen=True)
class Origin:
    key: str
    share: float
    ethnicities: Table
    nationalities: Table
    languages: tuple[str, ...]


ORIGINS: tuple[Origin, ...] = (
    Origin("british", 66, table("W1 95, M1 2, M9 2, W3 1"), table("British 100"), ("English",)),
    Origin("irish", 4, table("W2 90, W3 10"), table("Irish 60, British 40"), ("English",)),
    Origin(
        "south_asian",
        11,
        table("A2 55, A1 25, A3 20"),
        table("British 80, Pakistani 12, Indian 5, Bangladeshi 3"),
        ("English", "Urdu"),
    ),
    Origin(
        "eastern_european",
        7,
        table("W9 90, W4 10"),
        table("Polish 45, Romanian 30, Lithuanian 15, Slovak 10"),
        ("Polish",),
    ),
    Origin(
        "african",
        5,
        table("B2 90, M2 10"),
        table("British 60, Nigerian 15, Somali 12, Ghanaian 8, Zimbabwean 5"),
        ("English",),
    ),
    Origin("caribbean", 2, table("B1 75, M1 25"), table("British 100"), ("English",)),
    Origin(
        "arabic",
        3,
        table("O1 85, A9 15"),
        table("Syrian 35, Iraqi 30, Sudanese 20, British 15"),
        ("Arabic",),
    ),
    Origin("chinese", 2, table("A4 100"), table("British 60, Chinese 40"), ("English",)),
)
ORIGIN_TABLE = Table(tuple(o.key for o in ORIGINS), tuple(accumulate(o.share for o in ORIGINS)))
ORIGIN_BY_KEY = {origin.key: origin for origin in ORIGINS}

# --- Given names ------------------------------------------------------------------------------
# British and Irish names change with the generation: a girl born in 2010 is more likely a
# Chloe than a Susan. "young" is for people born in 1995 or later.

GIVEN: dict[tuple[str, str, str], Table] = {
    ("british", "female", "young"): table(
        "Olivia 30, Amelia 28, Emily 25, Ava 22, Sophie 22, Chloe 22, Isla 20, Lily 20, "
        "Charlotte 20, Grace 18, Mia 18, Ella 18, Jessica 18, Poppy 15, Evie 15, Ruby 15, "
        "Megan 15, Hannah 15, Lauren 14, Ellie 14, Holly 12, Katie 12, Freya 12, Jade 10, "
        "Bethany 10, Leah 10, Amber 10, Millie 10, Paige 8, Shannon 8, Courtney 8, Abbie 8, "
        "Caitlin 8, Scarlett 8, Kayleigh 6, Chelsea 6, Summer 6, Keira 6, Demi 5, Tia 5, "
        "Rebecca 8, Samantha 6, Jasmine 6, Aaliyah 4, Keisha 2, Shanice 2"
    ),
    ("british", "male", "young"): table(
        "Oliver 30, Jack 30, Harry 25, Charlie 20, Thomas 20, James 20, George 18, Joshua 18, "
        "Jacob 16, Noah 16, Alfie 15, Daniel 14, Ethan 14, Tyler 14, Archie 12, Leo 12, "
        "Oscar 12, Riley 12, Connor 12, Liam 12, Ryan 12, Mason 12, Luke 12, Samuel 12, "
        "Callum 10, Lewis 10, Jordan 10, Dylan 10, Logan 10, Max 10, Lucas 10, Jamie 10, "
        "Kyle 8, Bradley 8, Kieran 8, Jayden 8, Finley 8, Reece 7, Brandon 6, Matthew 10, "
        "William 10, Alexander 8, Benjamin 8, Tyrone 2, Jermaine 2, Marcus 3"
    ),
    ("british", "female", "old"): table(
        "Sarah 20, Emma 18, Susan 15, Karen 14, Julie 14, Claire 14, Michelle 14, Lisa 14, "
        "Nicola 12, Rachel 12, Helen 12, Laura 12, Donna 10, Tracey 10, Joanne 10, Samantha 10, "
        "Kelly 10, Gemma 10, Amanda 10, Angela 10, Elizabeth 10, Victoria 10, Louise 10, "
        "Deborah 8, Margaret 8, Catherine 8, Natalie 8, Jennifer 8, Sharon 8, Jane 8, "
        "Patricia 7, Stacey 7, Leanne 7, Carol 7, Linda 7, Jacqueline 6, Katherine 6, Dawn 6, "
        "Barbara 5, Pauline 5, Janet 5, Maureen 4, Doreen 3, Joan 3"
    ),
    ("british", "male", "old"): table(
        "David 25, John 22, Michael 22, Paul 20, Mark 20, Andrew 18, James 18, Stephen 16, "
        "Christopher 16, Richard 14, Robert 14, Matthew 14, Peter 12, Daniel 12, Steven 10, "
        "Anthony 10, Darren 10, Lee 10, Gary 10, Kevin 10, Ian 10, Jason 10, Simon 10, "
        "Martin 10, Thomas 10, William 10, Wayne 8, Craig 8, Neil 8, Scott 8, Alan 7, "
        "Shaun 6, Dean 6, Carl 6, Brian 6, Graham 6, Stuart 6, Kenneth 5, Keith 5, Leon 4, "
        "Trevor 4, Derek 3, Roy 3"
    ),
    ("irish", "female", "young"): table(
        "Aoife 12, Niamh 12, Ciara 10, Saoirse 8, Caoimhe 6, Orla 8, Roisin 6, Erin 10, "
        "Siobhan 5, Sinead 4, Grace 6, Emma 6"
    ),
    ("irish", "male", "young"): table(
        "Sean 12, Conor 12, Liam 10, Cian 8, Oisin 6, Darragh 6, Ciaran 8, Eoin 6, Niall 6, "
        "Patrick 8, Jack 8, Ryan 6"
    ),
    ("irish", "female", "old"): table(
        "Mary 15, Siobhan 10, Bridget 6, Eileen 6, Sinead 8, Grainne 5, Aisling 5, Maeve 4, "
        "Orla 5, Catherine 6, Margaret 6"
    ),
    ("irish", "male", "old"): table(
        "Patrick 15, Michael 14, Sean 10, Declan 8, Brendan 8, Dermot 6, Padraig 5, Niall 6, "
        "John 10, Kevin 6, Gerard 5"
    ),
    ("south_asian", "female", ""): table(
        "Aisha 15, Fatima 15, Zainab 10, Maryam 12, Amina 10, Hafsa 6, Ayesha 8, Sana 8, "
        "Nadia 6, Samina 5, Shazia 5, Rukhsana 4, Iqra 6, Khadija 6, Sumaira 3, Tasnim 4, "
        "Farzana 4, Rabia 5, Nasreen 4, Priya 6, Anjali 4, Simran 5, Harpreet 4, Jaspreet 4, "
        "Sunita 3"
    ),
    ("south_asian", "male", ""): table(
        "Mohammed 40, Muhammad 20, Ali 10, Ahmed 10, Hassan 8, Usman 8, Bilal 8, Imran 8, "
        "Adnan 6, Zain 6, Hamza 8, Ibrahim 8, Yusuf 8, Omar 6, Tariq 5, Asif 5, Amir 5, "
        "Faisal 4, Shahid 5, Kamran 5, Abdul 6, Rizwan 4, Nadeem 4, Arjun 4, Rahul 4, "
        "Sanjay 3, Harjit 3, Gurpreet 3"
    ),
    ("eastern_european", "female", ""): table(
        "Anna 12, Zofia 8, Julia 10, Natalia 8, Oliwia 8, Aleksandra 8, Agnieszka 6, "
        "Katarzyna 6, Magdalena 6, Ioana 6, Andreea 6, Elena 6, Maria 8, Gabriela 5, Ieva 4, "
        "Monika 5, Karolina 5, Alina 4, Daria 4, Wiktoria 5"
    ),
    ("eastern_european", "male", ""): table(
        "Jakub 10, Kacper 8, Piotr 8, Tomasz 8, Mateusz 8, Michal 7, Lukasz 7, Andrei 8, "
        "Alexandru 7, Ionut 5, Mihai 6, Florin 4, Marius 5, Jonas 4, Tadas 3, Lukas 4, "
        "Dmitri 3, Aleksandr 3, Marek 5, Pawel 6"
    ),
    ("african", "female", ""): table(
        "Chiamaka 6, Ngozi 5, Adaeze 5, Funmilayo 4, Temitope 5, Blessing 6, Precious 5, "
        "Abena 4, Akosua 3, Ama 4, Hodan 5, Fadumo 4, Hibo 4, Faith 6, Grace 6, Esther 5, "
        "Chidinma 4, Folake 3, Yetunde 3, Nkechi 3"
    ),
    ("african", "male", ""): table(
        "Chinedu 5, Oluwaseun 5, Emeka 5, Tunde 5, Kwame 5, Kofi 5, Kwabena 3, Abdi 6, "
        "Abdirahman 5, Mohamed 8, Ahmed 5, Samuel 6, Emmanuel 6, David 5, Daniel 5, Tendai 3, "
        "Tinashe 3, Ifeanyi 3, Chukwuemeka 3, Babajide 3"
    ),
    ("arabic", "female", ""): table(
        "Noor 8, Layla 8, Mariam 8, Rania 5, Yasmin 6, Hiba 5, Sara 6, Amal 5, Dalia 4, Rana 4"
    ),
    ("arabic", "male", ""): table(
        "Ahmad 8, Mohammad 10, Omar 8, Khalid 6, Youssef 6, Hussein 6, Karim 5, Ammar 5, "
        "Samir 5, Rami 4, Abdullah 6, Mustafa 6"
    ),
    ("chinese", "female", ""): table("Mei 6, Li 5, Xin 5, Ying 5, Jing 5, Amy 4, Grace 3"),
    ("chinese", "male", ""): table("Wei 6, Jun 5, Hao 5, Ming 5, Lei 5, Jason 3, Kevin 3"),
}
FAMILY: dict[str, Table] = {
    "british": table(
        "Smith 100, Jones 75, Williams 60, Taylor 55, Brown 55, Davies 45, Evans 40, "
        "Wilson 40, Thomas 38, Johnson 35, Roberts 35, Robinson 30, Thompson 30, Wright 30, "
        "Walker 28, White 27, Edwards 26, Hughes 26, Green 25, Hall 25, Lewis 25, Harris 24, "
        "Clarke 24, Jackson 23, Wood 23, Turner 22, Martin 22, Cooper 21, Hill 21, Ward 21, "
        "Morris 20, Moore 20, Clark 20, Lee 20, King 19, Baker 19, Harrison 19, Morgan 18, "
        "Allen 18, James 18, Scott 17, Phillips 17, Watson 17, Davis 17, Parker 16, Price 16, "
        "Bennett 16, Young 16, Griffiths 15, Mitchell 15, Cook 15, Carter 15, Richardson 14, "
        "Bailey 14, Collins 14, Bell 14, Shaw 14, Miller 13, Cox 13, Richards 13, Marshall 12, "
        "Simpson 12, Ellis 12, Adams 12, Wilkinson 11, Foster 11, Chapman 11, Powell 11, "
        "Webb 11, Rogers 11, Gray 11, Mason 11, Hunt 10, Holmes 10, Mills 10, Barnes 10, "
        "Knight 10, Lloyd 10, Butler 10, Russell 10, Barker 10, Fisher 10, Stevens 10, "
        "Jenkins 10, Dixon 9, Fletcher 9, Marsh 9, Cole 9, Pearson 9, Atkinson 8, Heath 7, "
        "Booth 7, Parkinson 6, Hartley 6, Whitfield 5, Sutcliffe 5, Ashworth 5, Holroyd 4, "
        "Brearley 4, Crowther 4, Ackroyd 4, Smyth 3, Smithson 2"
    ),
    "irish": table(
        "Murphy 12, Kelly 12, O'Brien 10, Byrne 8, Ryan 8, O'Sullivan 7, Walsh 8, O'Connor 8, "
        "McCarthy 6, Doyle 7, Gallagher 6, O'Neill 7, Quinn 6, Brennan 5, McLaughlin 5, "
        "Kennedy 5, Lynch 5, Duffy 5, Flanagan 4, Hughes 5"
    ),
    "south_asian": table(
        "Khan 40, Hussain 25, Ahmed 20, Ali 20, Patel 25, Singh 20, Shah 12, Iqbal 10, "
        "Akhtar 10, Mahmood 10, Rahman 10, Malik 10, Rehman 8, Sharma 8, Kumar 8, Islam 8, "
        "Uddin 8, Miah 8, Chowdhury 8, Butt 8, Anwar 6, Javed 6, Aziz 6, Bashir 6, Qureshi 6, "
        "Sadiq 5, Choudhury 4"
    ),
    "eastern_european": table(
        "Nowak 10, Kowalski 8, Wisniewski 7, Wojcik 6, Kaminski 6, Lewandowski 6, "
        "Zielinski 5, Szymanski 5, Popescu 8, Ionescu 6, Popa 6, Stan 4, Dumitru 5, "
        "Kazlauskas 4, Petrauskas 4, Horvath 4, Novak 4, Balan 4, Rusu 4, Lupu 3, Marin 3"
    ),
    "african": table(
        "Okafor 6, Adeyemi 6, Okonkwo 5, Eze 5, Nwosu 4, Adebayo 5, Oladipo 4, Mensah 6, "
        "Asante 5, Owusu 6, Boateng 5, Osei 5, Mohamed 8, Hassan 6, Abdi 6, Warsame 4, "
        "Moyo 4, Ncube 3, Dube 3, Ali 5"
    ),
    "caribbean": table(
        "Campbell 10, Brown 10, Williams 10, Thomas 8, Clarke 8, Francis 6, Grant 6, Reid 6, "
        "Henry 5, Bailey 5, Robinson 6, Richards 5, Johnson 6"
    ),
    "arabic": table(
        "Al-Hassan 5, Haddad 5, Khalil 6, Saleh 6, Nasser 5, Hamdan 4, Abbas 6, Mahmoud 6, "
        "Ibrahim 6, Aziz 4, Jaber 4, Othman 4, Mansour 5, Darwish 4, Yousef 5"
    ),
    "chinese": table("Wang 8, Li 8, Zhang 6, Chen 8, Liu 6, Wong 8, Chan 8, Lam 5"),
}

# --- The long tail -----------------------------------------------------------------------------
# The tables above are the common names. A real population also has a long tail of rarer ones:
# the 106 most common British surnames cover only 21% of people (Smith 1.15%), the 500 most
# common 40% (the en_GB surname frequencies Faker ships), and the commonest name in a year's
# births in England and Wales is given to 1.5-3% of the babies of one sex. Without a tail,
# strangers who share a given name, a family name and a date of birth were an order of
# magnitude commoner here than in a real county, and record linkage was measured on a harder
# problem than the one it has. Two people drawn at random here shared a family name 1 time in
# 116 before the tail and 1 in 1,050 with it (the 500 commonest British surnames alone give
# 1 in 1,300).


def with_tail(head: Table, tail: Iterable[str], head_share: float) -> Table:
    """`head` keeps its relative weights and takes `head_share` of draws; the tail's names (those
    not already in the head) share the rest, each a little rarer than the one before: weight
    falls as one over the square root of the rank, continuing from the head's. (With that
    fall the British surnames' 106 commonest cover 22% of people and the 500 commonest 40%,
    as the real list's do: 21% and 40%; a steeper, Zipf-like fall gave 25% and 56%.)"""
    names = list(head.names)
    known = set(names)
    extra = [name for name in dict.fromkeys(tail) if name not in known]
    if not extra:
        return head
    head_total = head.cum_weights[-1]
    ranks = [(len(names) + i) ** -0.5 for i in range(1, len(extra) + 1)]
    scale = head_total * (1 - head_share) / head_share / sum(ranks)
    weights = [b - a for a, b in zip((0.0, *head.cum_weights), head.cum_weights, strict=False)]
    weights += [rank * scale for rank in ranks]
    return Table(tuple(names + extra), tuple(accumulate(weights)))


def _names(spec: str) -> list[str]:
    return [name.strip() for name in spec.split(",") if name.strip()]


# British surnames beyond the common ones are mostly from places: a stem and an ending, as in
# Ackroyd, Sutcliffe, Holroyd. These are composed the same way (thousands of them, none taken
# from a register), in a fixed shuffled order so the rarest are not all one stem.
_SURNAME_STEMS = _names(
    "Ack, Ald, Ash, Ather, Bag, Bar, Barn, Bate, Birch, Black, Bland, Bold, Brad, Bram, Brig, "
    "Broad, Brom, Brook, Bur, Cal, Cart, Chad, Chat, Clay, Cliff, Cold, Cot, Crab, Cran, Crow, "
    "Dal, Dun, Ear, Elm, Fair, Farn, Fen, Foul, Fox, Gar, Gold, Good, Grim, Hal, Ham, Hart, "
    "Hat, Haw, Hay, Hazel, Heb, Hen, Hep, Hol, Horn, Hud, Ing, Kel, Kirk, Knott, Lang, Lath, "
    "Lid, Lind, Lock, Lum, Map, Marl, Mid, Mort, New, Nor, Oak, Old, Ot, Pad, Pick, Pil, Pot, "
    "Rad, Ram, Raw, Red, Rid, Rom, Ros, Roth, Rush, Sal, Sand, Scar, Sed, Shel, Ship, Sil, "
    "Skel, Slat, Stain, Stan, Star, Stock, Sud, Swin, Tal, Thorn, Thur, Tod, Wad, Wal, War, "
    "Wat, Wel, Whit, Wig, Wil, Win, Wol, Wor, Yar"
)
_SURNAME_ENDINGS = _names(
    "ley, worth, ton, field, royd, cliffe, shaw, wood, by, ham, croft, hurst, well, dale, "
    "thwaite, more, stall, brook, ford, ridge, hall, ington, house, stone, wick, land, cote, "
    "den, man, er"
)
_BRITISH_SURNAME_TAIL = [stem + ending for stem in _SURNAME_STEMS for ending in _SURNAME_ENDINGS]
random.Random(2003).shuffle(_BRITISH_SURNAME_TAIL)

FAMILY_TAILS: dict[str, tuple[float, list[str]]] = {
    "british": (0.213, _BRITISH_SURNAME_TAIL),
    "irish": (
        0.55,
        _names(
            "Dunne, Reilly, O'Reilly, Carroll, Connolly, Daly, Farrell, Fitzgerald, Healy, "
            "Kavanagh, Keane, McDonagh, McGrath, Maguire, Moran, Nolan, O'Donnell, O'Leary, Power, "
            "Regan, Sheehan, Sweeney, Whelan, Boyle, Brady, Burke, Cullen, Dolan, Egan, Foley, "
            "Hayes, Kane, Kearney, Lennon, Mulligan, Nugent, O'Rourke, Phelan, Tierney, Madden"
        ),
    ),
    "south_asian": (
        0.45,
        _names(
            "Raza, Haider, Abbasi, Mirza, Siddiqui, Farooq, Yousaf, Nawaz, Saleem, Hanif, Latif, "
            "Rashid, Zaman, Hameed, Arshad, Asghar, Ashraf, Aslam, Gill, Sandhu, Dhillon, Sidhu, "
            "Mistry, Desai, Joshi, Mehta, Chauhan, Bhatti, Rana, Hossain, Ullah, Haq, Sheikh, "
            "Akram, Saeed, Karim, Nazir, Shafiq, Rafiq, Sultan, Zafar, Kayani, Raja, Mughal, Mir"
        ),
    ),
    "eastern_european": (
        0.55,
        _names(
            "Wozniak, Kozlowski, Jankowski, Mazur, Krawczyk, Piotrowski, Grabowski, Nowakowski, "
            "Pawlowski, Michalski, Adamczyk, Dudek, Zajac, Wieczorek, Jablonski, Krol, Majewski, "
            "Olszewski, Stepien, Jaworski, Malinowski, Georgescu, Constantin, Stoica, Radu, Matei, "
            "Ciobanu, Munteanu, Vasile, Jankauskas, Stankevicius, Vasiliauskas, Zukauskas, Kovac, "
            "Varga, Toth, Nagy"
        ),
    ),
    "african": (
        0.55,
        _names(
            "Okeke, Obi, Nwachukwu, Chukwu, Ogunleye, Adeleke, Afolabi, Bello, Ibrahim, Yusuf, "
            "Akinola, Agyeman, Appiah, Danso, Addo, Ofori, Gyamfi, Omar, Ahmed, Farah, Jama, Nur, "
            "Egal, Mutasa, Sibanda, Ndlovu, Banda, Chikwanha, Olaniyan, Achebe"
        ),
    ),
    "caribbean": (
        0.45,
        _names(
            "Gordon, Lewis, Morgan, Stewart, Walker, Wright, Edwards, Allen, James, Barrett, "
            "Lawrence, Forbes, Powell, Samuels, Spencer, Thompson, Wilson, Hamilton, Graham, "
            "Bennett, Murray, Palmer, Fraser, Gayle, McKenzie, Blake, Daley, Gooden"
        ),
    ),
    "arabic": (
        0.55,
        _names(
            "Ahmad, Ali, Hussein, Omar, Younes, Suleiman, Habib, Kassem, Fares, Haidar, Issa, "
            "Rashed, Shaker, Taha, Zaki, Awad, Bakr, Hijazi, Karam, Masri, Najjar, Qasim, "
            "Sabbagh, Tamimi"
        ),
    ),
    "chinese": (
        0.5,
        _names(
            "Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He, Lin, Luo, Gao, Zheng, Liang, "
            "Xie, Tang, Han, Cao, Deng, Feng, Ho, Yip, Cheung, Leung, Ng, Lau, Tse, Yeung, Chow, "
            "Kwok"
        ),
    ),
}

GIVEN_TAILS: dict[tuple[str, str, str], tuple[float, list[str]]] = {
    ("british", "female", "young"): (0.5, _names(
        "Alice, Amy, Anna, Abigail, Alexandra, Alisha, Bella, Brooke, Daisy, Darcey, Eleanor, "
        "Eliza, Eloise, Erin, Esme, Eva, Evelyn, Faith, Florence, Georgia, Gracie, Harriet, "
        "Heidi, Imogen, Isabel, Isabella, Ivy, Jenna, Jodie, Kacey, Kara, Kayla, Kelsey, Lacey, "
        "Lara, Layla, Lexie, Libby, Lola, Lucy, Madison, Maisie, Maya, Molly, Naomi, Nia, "
        "Phoebe, Rosie, Rose, Sadie, Sienna, Skye, Sofia, Stephanie, Zara, Zoe, Willow, Elsie, "
        "Harper, Matilda, Robyn, Tegan, Kirsty, Rhiannon, Abby, Francesca, Imani, Nadine"
    )),
    ("british", "male", "young"): (0.5, _names(
        "Aaron, Adam, Aiden, Alex, Alfred, Arthur, Ashton, Ben, Billy, Blake, Bobby, Caleb, "
        "Cameron, Charles, Christian, Cody, Corey, Curtis, Dominic, Edward, Elliot, Ellis, Evan, "
        "Ewan, Felix, Frankie, Freddie, Gabriel, Harley, Harrison, Harvey, Henry, Hugo, Isaac, "
        "Jenson, Joe, Jude, Kai, Kayden, Leighton, Louis, Nathan, Owen, Reuben, Robert, Ronnie, "
        "Rory, Sebastian, Shane, Sonny, Spencer, Stanley, Theo, Toby, Zachary, Jaxon, Joseph, "
        "Brody, Declan, Rhys, Morgan, Elijah, Ashley, Kane, Jay, Troy"
    )),
    ("british", "female", "old"): (0.5, _names(
        "Alison, Andrea, Ann, Anne, Annette, Beverley, Brenda, Caroline, Carolyn, Cheryl, "
        "Christine, Clare, Denise, Diane, Dorothy, Elaine, Fiona, Gillian, Hayley, Heather, "
        "Irene, Jayne, Jean, Jill, Joyce, Judith, Julia, Kathleen, Kerry, Kim, Lesley, Lorraine, "
        "Lynn, Lynne, Mandy, Marie, Marion, Mary, Melanie, Nicole, Paula, Rosemary, Ruth, Sally, "
        "Sandra, Sheila, Shirley, Sonia, Suzanne, Sylvia, Teresa, Valerie, Vanessa, Wendy, "
        "Yvonne, Anita, Beryl, Gail, Hazel, Tina, Debra, Emily, Kirsty, Lindsay, Sophie"
    )),
    ("british", "male", "old"): (0.5, _names(
        "Adrian, Alistair, Barry, Bernard, Colin, Dennis, Douglas, Duncan, Edward, Eric, Frank, "
        "Frederick, Gareth, Geoffrey, Gordon, Harold, Howard, Jeffrey, Jonathan, Joseph, Justin, "
        "Lawrence, Malcolm, Nicholas, Nigel, Norman, Philip, Ralph, Raymond, Roger, Ronald, "
        "Russell, Samuel, Stanley, Terence, Timothy, Tony, Victor, Vincent, Walter, Warren, "
        "Glen, Gavin, Ross, Grant, Clive, Dale, Gregory, Ashley, Nathan, Adam, Lloyd, Phillip, "
        "Rodney, Stewart, Jamie, Benjamin, Damian, Barrie, Leslie, Jonathon, Marc, Gerald"
    )),
    ("irish", "female", "young"): (0.6, _names(
        "Aine, Clodagh, Deirdre, Emer, Eimear, Nuala, Shauna, Laoise, Cliodhna, Tara, Sorcha, "
        "Aoibheann"
    )),
    ("irish", "male", "young"): (0.6, _names(
        "Cillian, Fionn, Ronan, Tadhg, Donal, Eamon, Rory, Shane, Colm, Killian, Aidan, Cathal"
    )),
    ("irish", "female", "old"): (0.6, _names(
        "Anne, Kathleen, Nora, Teresa, Bernadette, Geraldine, Noreen, Philomena, Rita, Agnes, "
        "Fidelma, Una"
    )),
    ("irish", "male", "old"): (0.6, _names(
        "Eamonn, Liam, Seamus, Thomas, Joseph, Francis, Gerry, Noel, Kieran, Colm, Fergal, "
        "Cormac"
    )),
    ("south_asian", "female", ""): (0.6, _names(
        "Sadia, Saima, Shabana, Parveen, Nazia, Uzma, Asma, Humaira, Mehwish, Aleena, Hania, "
        "Anaya, Inaya, Zara, Alishba, Hira, Mahnoor, Sidra, Bushra, Kiran, Manpreet, Gurleen, "
        "Navdeep, Pooja, Neha, Shreya, Riya, Hema, Divya"
    )),
    ("south_asian", "male", ""): (0.7, _names(
        "Abdullah, Ayaan, Rayyan, Haris, Ismail, Junaid, Khalid, Mubashir, Naveed, Qasim, "
        "Rehan, Saqib, Shoaib, Sohail, Talha, Waqas, Zubair, Zeeshan, Aamir, Arif, Javed, Wasim, "
        "Sajid, Harpal, Manjit, Jasbir, Vikram, Ravi, Amit, Deepak, Nikhil"
    )),
    ("eastern_european", "female", ""): (0.6, _names(
        "Ewa, Joanna, Justyna, Kinga, Marta, Paulina, Patrycja, Sylwia, Weronika, Zuzana, "
        "Lucia, Simona, Mihaela, Roxana, Cristina, Rasa, Egle"
    )),
    ("eastern_european", "male", ""): (0.6, _names(
        "Adam, Bartosz, Dawid, Filip, Grzegorz, Kamil, Krzysztof, Marcin, Szymon, Wojciech, "
        "Stefan, Bogdan, Cristian, Vlad, Gheorghe, Mindaugas, Darius, Juraj"
    )),
    ("african", "female", ""): (0.6, _names(
        "Adaobi, Chioma, Ifeoma, Uchenna, Bukola, Damilola, Kemi, Omolara, Adwoa, Efua, Naana, "
        "Sagal, Nimco, Ruth, Mercy, Joy, Chipo, Rudo, Nyasha"
    )),
    ("african", "male", ""): (0.6, _names(
        "Adebola, Chidi, Obinna, Olumide, Segun, Yaw, Kojo, Kwesi, Abdullahi, Liban, Farah, "
        "Joseph, Michael, Peter, Tatenda, Farai, Nnamdi, Uche"
    )),
    ("arabic", "female", ""): (0.6, _names(
        "Aya, Lina, Dana, Huda, Reem, Salma, Zeinab, Ghada, Nadia, Asma, Rasha, Samira, "
        "Widad, Hanan"
    )),
    ("arabic", "male", ""): (0.6, _names(
        "Ali, Hassan, Hamza, Bilal, Tariq, Walid, Nabil, Fadi, Ziad, Majid, Bassam, Anas, "
        "Yasin, Jamal, Ibrahim"
    )),
    ("chinese", "female", ""): (0.5, _names(
        "Hui, Yan, Lan, Fang, Jie, Lin, Na, Qing, Hong, Yu, Jia, Xiu, Ling, Wen, Ting, Lily, "
        "Jenny, Helen"
    )),
    ("chinese", "male", ""): (0.5, _names(
        "Jian, Yong, Qiang, Tao, Bo, Gang, Chao, Yi, Zhi, Peng, Kai, Feng, Bin, Long, Michael, "
        "David, Tony, Peter"
    )),
}  # fmt: skip

for _origin, (_share, _tail) in FAMILY_TAILS.items():
    FAMILY[_origin] = with_tail(FAMILY[_origin], _tail, _share)
for _key, (_share, _tail) in GIVEN_TAILS.items():
    GIVEN[_key] = with_tail(GIVEN[_key], _tail, _share)

# Caribbean heritage families here mostly carry British given names (above, incl. Tyrone,
# Jermaine, Shanice, Keisha).
for _sex in ("female", "male"):
    for _age in ("young", "old"):
        GIVEN[("caribbean", _sex, _age)] = GIVEN[("british", _sex, _age)]

# Short forms and nicknames a school, a GP or friends use for the same child.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "Katherine": ("Kate", "Katie", "Kath"),
    "Catherine": ("Cath", "Cathy", "Kate"),
    "Elizabeth": ("Beth", "Lizzie", "Liz"),
    "Samantha": ("Sam", "Sammy"),
    "Jessica": ("Jess", "Jessie"),
    "Rebecca": ("Becky", "Becca"),
    "Victoria": ("Tori", "Vicky"),
    "Charlotte": ("Charlie", "Lottie"),
    "Olivia": ("Liv", "Livvy"),
    "Amelia": ("Millie", "Mia"),
    "Bethany": ("Beth",),
    "Kayleigh": ("Kay",),
    "Jacqueline": ("Jackie",),
    "Aleksandra": ("Ola", "Ala"),
    "Natalia": ("Natka", "Tala"),
    "Oluwaseun": ("Seun",),
    "Temitope": ("Tope", "Temi"),
    "Funmilayo": ("Funmi",),
    "Chiamaka": ("Amaka",),
    "Chidinma": ("Dinma",),
    "Mohammed": ("Mo", "Moh"),
    "Muhammad": ("Mo",),
    "Abdirahman": ("Abdi",),
    "Abdullah": ("Abdul",),
    "Ibrahim": ("Ibby",),
    "Joshua": ("Josh",),
    "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Dan", "Danny"),
    "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris",),
    "Jacob": ("Jake",),
    "Matthew": ("Matt",),
    "Samuel": ("Sam", "Sammy"),
    "Benjamin": ("Ben",),
    "Alexander": ("Alex", "Xander"),
    "William": ("Will", "Billy"),
    "Anthony": ("Tony", "Ant"),
    "Oliver": ("Ollie",),
    "Jakub": ("Kuba",),
    "Aleksandr": ("Sasha",),
    "Dmitri": ("Dima",),
    "Mateusz": ("Mati",),
    "Chinedu": ("Chi",),
    "Chukwuemeka": ("Emeka",),
    "Babajide": ("Jide",),
    "Margaret": ("Maggie", "Peggy"),
    "Patricia": ("Trish", "Pat"),
    "Deborah": ("Debbie", "Debs"),
    "Jennifer": ("Jen", "Jenny"),
    "Natalie": ("Nat",),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Richard": ("Rick", "Rich"),
    "Robert": ("Rob", "Bobby"),
    "Andrew": ("Andy",),
    "Kenneth": ("Ken",),
    "Gabriela": ("Gabi",),
    "Magdalena": ("Magda",),
    "Katarzyna": ("Kasia",),
    "Agnieszka": ("Aga",),
    "Wiktoria": ("Wika",),
}

# Spelling and transliteration variants one agency records for another's spelling.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Muhammad", "Mohamed", "Mohammad", "Muhammed"),
    "Muhammad": ("Mohammed", "Muhammed"),
    "Mohamed": ("Mohammed", "Mohamud"),
    "Mohammad": ("Mohammed", "Muhammad"),
    "Aisha": ("Ayesha", "Aysha"),
    "Ayesha": ("Aisha",),
    "Fatima": ("Fatimah", "Fatma"),
    "Zainab": ("Zaynab", "Zeinab"),
    "Yusuf": ("Yousef", "Yusef"),
    "Youssef": ("Yusuf", "Yousef"),
    "Hussain": ("Hussein", "Husain"),
    "Hussein": ("Hussain",),
    "Ahmed": ("Ahmad",),
    "Ahmad": ("Ahmed",),
    "Mustafa": ("Mustapha",),
    "Ibrahim": ("Ebrahim",),
    "Usman": ("Osman",),
    "Maryam": ("Mariam", "Miriam"),
    "Mariam": ("Maryam",),
    "Chowdhury": ("Choudhury",),
    "Rehman": ("Rahman",),
    "Mahmood": ("Mahmud", "Mehmood"),
    "Abdirahman": ("Abdulrahman", "Abdiraman"),
    "Katherine": ("Catherine", "Kathryn"),
    "Catherine": ("Katherine",),
    "Kayleigh": ("Kayley", "Kaylee", "Caleigh"),
    "Jayden": ("Jaden", "Jaiden"),
    "Connor": ("Conor",),
    "Conor": ("Connor",),
    "Leah": ("Lea",),
    "Sean": ("Shaun", "Shawn"),
    "Siobhan": ("Shevaun",),
    "Niamh": ("Neve",),
    "Oliwia": ("Olivia",),
    "Wiktoria": ("Viktoria", "Victoria"),
    "Natalia": ("Natalya",),
    "Andrei": ("Andrey",),
    "Dmitri": ("Dmitry", "Dimitri"),
    "Aleksandr": ("Alexander", "Oleksandr"),
    "Mikhail": ("Michael",),
    "Wisniewski": ("Wisniewsky", "Visnevski"),
    "Kowalski": ("Kovalski",),
    "Popescu": ("Popesku",),
    "Okonkwo": ("Okonko",),
    "Mensah": ("Mensa",),
    "Stephen": ("Steven",),
    "Steven": ("Stephen",),
    "Smith": ("Smyth",),
    "Thompson": ("Thomson",),
    "Clarke": ("Clark",),
    "Phillips": ("Philips",),
    "Davies": ("Davis",),
    "Grey": ("Gray",),
}

# What children call each other, and offenders' street names (intelligence reports).
PET_NAMES_FEMALE = (
    "Tink", "Kiki", "Lexi", "Coco", "Jojo", "Mimi", "Roxy", "Tilly", "Gigi", "Lulu", "Bambi",
    "Bubbles", "Dolly", "Sunny", "Fifi", "Lola", "Nessa", "Trixie",
)  # fmt: skip
PET_NAMES_MALE = ("Jay", "Deano", "Kez", "Tiny", "Smudge", "Bugsy", "Rio", "Zeke", "Skip")
STREET_NAMES = (
    "Marshy", "Fats", "Smokey", "Ghost", "Kash", "Bigz", "Little T", "Junior", "Trigger",
    "Prince", "Ace", "Blade", "Ratty", "Uncle", "Boss", "Skinny", "Tank", "Scouse", "Dex",
    "Mack", "Ziggy", "Ricco", "Spider", "Nino",
)  # fmt: skip

# --- Places -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    name: str
    area: str  # postcode area letters (fictional areas in the Royal Mail format)
    districts: int
    share: float  # of households; 0 for towns outside the force area
    neighbourhoods: tuple[str, ...]
    in_area: bool = True


TOWNS: tuple[Town, ...] = (
    Town("Northam", "NE", 8, 45, ("Town Centre", "Riverside", "Millfield", "Hollins",
                                    "Brackley Park", "Eastgate")),
    Town("Kelbridge", "KB", 6, 25, ("Old Town", "Canal Side", "Fernhill", "Moorside")),
    Town("Ashworth", "AW", 5, 18, ("Market Place", "Greenbank", "Ashworth Vale")),
    Town("Stavely", "SV", 4, 12, ("Stavely Cross", "Low Moor")),
    # Outside Northshire: out-of-area placements and where networks take children.
    Town("Marbury", "MY", 4, 0, ("Harbour", "Southfields"), in_area=False),
    Town("Eastwick", "EW", 3, 0, ("Central", "Brook End"), in_area=False),
)  # fmt: skip

STREET_STEMS = (
    "Oak", "Ash", "Elm", "Beech", "Birch", "Willow", "Holly", "Rowan", "Cedar", "Maple",
    "Mill", "Church", "Chapel", "School", "Station", "Park", "Victoria", "Albert", "Queen",
    "King", "Castle", "Bridge", "Canal", "River", "Brook", "Moor", "Hill", "Green", "Field",
    "Meadow", "Orchard", "Grange", "Manor", "Hall", "Priory", "Abbey", "Market", "Cross",
    "North", "South", "East", "West", "High", "Low", "Long", "Windsor", "York", "Lancaster",
    "Clifton", "Belmont", "Fairfield", "Highfield", "Springfield", "Westfield", "Ashfield",
    "Thornton", "Greenwood", "Heather", "Bracken", "Fern", "Primrose", "Bluebell", "Lilac",
    "Laburnum", "Sycamore", "Poplar", "Chestnut", "Hawthorn", "Juniper", "Larch", "Cherry",
    "Lime", "Hazel", "Alder", "Kestrel", "Falcon", "Heron", "Swallow", "Lark", "Wren",
    "Robin", "Raven", "Foundry", "Forge", "Tannery", "Weavers", "Spinners", "Colliery",
    "Quarry", "Railway", "Wharf", "Lock", "Ferry", "Beacon", "Tower", "Garden", "Cottage",
    "Farm", "Barn", "Paddock", "Common", "Heath", "Dale", "Vale", "Glen", "Ridge", "Crest",
)  # fmt: skip
STREET_SUFFIXES = table(
    "Road 30, Street 25, Lane 12, Avenue 10, Close 10, Drive 8, Way 6, Crescent 6, "
    "Terrace 5, Grove 5, Court 4, Gardens 4, Place 3, Walk 2, Mews 2, View 2, Rise 2"
)

# Venues per town at base scale: (premises type, how many, name patterns).
VENUES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("school", 2, ("{town} Academy", "St {saint}'s Catholic High School", "{hood} High School")),
    ("school", 4, ("{hood} Primary School", "St {saint}'s C of E Primary", "{stem} Primary")),
    ("childrens_home", 1, ("{stem} House", "{stem}side Children's Home", "The {stem}s")),
    ("supported_accommodation", 1, ("{stem} Court Supported Housing",)),
    ("hotel", 2, ("{town} Station Hotel", "The {stem} Hotel", "Nightstop Lodge {town}")),
    ("bed_and_breakfast", 1, ("{stem}dene Guest House", "{stem} B&B")),
    ("takeaway", 4, ("{stem} Grill", "Golden {stem} Chippy", "Pizza Point {hood}",
                     "Chicken Express", "Spice Hut", "Kebab King")),
    ("shisha_bar", 1, ("Sahara Lounge", "Cloud Nine Shisha", "Layali Lounge")),
    ("park", 2, ("{stem} Park", "{hood} Recreation Ground", "{stem} Fields")),
    ("car_park", 1, ("{stem} Street multi-storey", "Retail park car park, {hood}")),
    ("taxi_rank", 1, ("{town} Taxi Rank", "{stem} Cars private hire office")),
    ("transport_hub", 1, ("{town} Bus Station", "{town} Railway Station")),
    ("shopping_centre", 1, ("The {stem} Centre", "{town} Shopping Centre")),
    ("arcade", 1, ("Funland Amusements", "Golden Goose Arcade")),
    ("cafe", 2, ("Corner Cafe", "{stem} Tea Rooms", "Dough & Co")),
    ("pub_club", 2, ("The Red Lion", "The {stem} Arms", "Club Neon")),
)  # fmt: skip
SAINTS = ("Mary", "John", "Joseph", "Peter", "Anne", "Michael", "Aidan", "Hilda", "Bede")

VEHICLES = table(
    "Ford Fiesta 12, Ford Focus 10, Vauxhall Corsa 10, Vauxhall Astra 7, Volkswagen Golf 8, "
    "Volkswagen Polo 6, Nissan Qashqai 6, Toyota Yaris 5, Toyota Prius 5, Peugeot 208 5, "
    "BMW 3 Series 5, Audi A3 5, Mercedes-Benz A-Class 4, Kia Sportage 4, Hyundai Tucson 3, "
    "Skoda Octavia 4, Seat Leon 3, Renault Clio 4, Honda Civic 3, Mini Hatch 3, "
    "Ford Transit 3, Citroen Berlingo 2, Skoda Superb 2"
)
COLOURS = table(
    "Black 20, Grey 20, Silver 16, White 16, Blue 12, Red 9, Green 3, Orange 1, Yellow 1, "
    "Brown 1, Purple 1"
)
PLATFORMS = table("Snapchat 40, Instagram 30, TikTok 15, WhatsApp 8, Facebook 5, Discord 2")

# Current-format registration marks (2001-): a region and DVLA office pair, two-digit age
# identifier, three random letters; I and Q are never used, nor Z in the first two.
VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
VRM_RANDOM = "ABCDEFGHJKLMNOPRSTUVWXYZ"
VRM_REGIONS = "ABCDEFGHKLMNOPRSVWY"
