print("cmcl")
