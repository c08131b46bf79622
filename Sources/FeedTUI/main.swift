print("feedtui")
