"""Writes new-bike-guide.docx with python-docx (Debian python3-docx): real Word styles
for the title, headings and bullet and numbered lists. Run from this folder: /usr/bin/python3 new-bike-guide.py"""
import docx

d = docx.Document()
d.core_properties.title = "Your new bike: the first month"
d.core_properties.author = "Veloria Bikes"
d.add_heading("Your new bike: the first month", level=0)
d.add_paragraph("Thank you for buying your bike at Veloria. This guide helps you through the first weeks, "
                "when a new bike needs a little attention.")

d.add_heading("Before your first ride", level=1)
d.add_paragraph("Set the saddle height: with the pedal at its lowest point, your leg should be almost straight.",
                style="List Number")
d.add_paragraph("Check the tyre pressure printed on the side of the tyre: city tyres usually take 3.5 to 5 bar.",
                style="List Number")
d.add_paragraph("Squeeze both brakes hard before you set off: the levers must not touch the handlebar.",
                style="List Number")
d.add_paragraph("Try the gears while riding slowly on a quiet street.", style="List Number")

d.add_heading("The first month", level=1)
d.add_paragraph("New cables stretch during the first 100 to 200 km. You may notice:")
d.add_paragraph("gears that jump or skip between two sprockets;", style="List Bullet")
d.add_paragraph("brake levers that come closer to the handlebar;", style="List Bullet")
d.add_paragraph("a small click in the pedals or the headset.", style="List Bullet")
d.add_paragraph("This is normal. Bring the bike back for its free first check-up, included with every new bike "
                "within two months of purchase: we retension the cables, check the spokes and tighten every bolt. "
                "No appointment is needed for it on weekday mornings.")

d.add_heading("Keeping it safe", level=1)
d.add_paragraph("Lock the frame, not only a wheel, to something fixed. A D-lock of at least level 8 is what insurers ask for.",
                style="List Bullet")
d.add_paragraph("Your bike's frame number is engraved and registered with the national bike register: keep the certificate "
                "we gave you, you will need it if the bike is stolen.", style="List Bullet")
d.add_paragraph("Theft insurance can be added within 30 days of purchase at the counter, from 6 EUR a month.",
                style="List Bullet")

d.add_heading("Cleaning and care", level=1)
d.add_paragraph("Rinse the bike with a soft brush and low-pressure water; never use a pressure washer on the bearings or "
                "the motor. Oil the chain every 300 km or after riding in the rain, and wipe off the extra oil.")

d.add_heading("Getting help", level=1)
d.add_paragraph("Something feels wrong? Call the workshop on +33 3 88 00 12 34 or come by: most small adjustments "
                "are done while you wait, free during the first year.")
d.save("../kb/new-bike-guide.docx")
