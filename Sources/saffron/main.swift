print("saffron")
